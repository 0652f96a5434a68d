"""The readiness assessment pre-fills s1-s5 and c4-c6 from the foundation records, with the evidence."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bspos.clients.tests.factories import ClientFactory
from bspos.foundation import selectors, services
from bspos.foundation.tests.factories import IcpFactory, SolutionFactory, ValueFactory, VersionFactory, VisionFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_nothing_recorded_suggests_nothing():
    assert selectors.readiness_evidence(timezone.localdate()) == {}


def test_each_record_pre_fills_its_statement():
    today = timezone.localdate()
    IcpFactory(is_primary=True, test_one_sentence=True, test_business_problem=True, test_congregate=True,
               congregate_physical="Bar association lunches", congregate_online="LegalTech forum")
    ClientFactory(vertical="Legal")
    ClientFactory(vertical="Dental")
    SolutionFactory(name="Legal Practice Growth System")
    SolutionFactory(name="Managed IT Services")
    value = ValueFactory()
    services.record_value_decision(value=value, kind="firing", decided_on=today, people="x", description="y")
    services.add_measure(vision=VisionFactory(target_date=today + timedelta(days=1500)), name="ARR", live="arr",
                         target=Decimal("5000000"))
    VersionFactory(reviewed_on=today - timedelta(days=10))
    found = selectors.readiness_evidence(today)
    assert found["s1"][0] == 4 and "Law firms of 10 to 50" in found["s1"][1]
    assert found["s2"][0] == 4 and found["s3"][0] == 4
    assert found["s4"] == (2, "—% of this year's leads and 50.0% of active clients match the ICP.")
    assert found["s5"] == (2, "1 of 2 solutions are named for the outcome; technology names: Managed IT Services.")
    assert found["c4"][0] == 1 and "1 of MSA, SLA and terms" in found["c4"][1]
    assert found["c5"][0] == 2  # one real value is not three to five
    assert found["c6"][0] == 4


def test_the_readiness_page_shows_the_foundation_evidence(client):
    IcpFactory(is_primary=True, test_one_sentence=True, description="Dental practices with three chairs or more.")
    client.force_login(UserFactory(role=Role.OWNER))
    page = client.get("/owner/readiness/").content.decode()
    assert "Dental practices with three chairs or more." in page
