"""Credentials at risk, counted in the database: weak, reused, not rotated for a year, or revealed by someone who
has since been deactivated (until rotated)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.vault import selectors, services
from bspos.vault.models import Credential

pytestmark = pytest.mark.django_db
STRONG = "correct horse battery staple 42"


def test_each_risk_is_counted_and_named(company, other_company, tech):
    now = timezone.now()
    services.create_credential(by=tech, client=company, name="Healthy", secret=STRONG, now=now)
    services.create_credential(by=tech, client=company, name="Weak", secret="password", now=now)
    services.create_credential(by=tech, client=company, name="Reused", secret="Gl0bex-shared!9x", now=now)
    services.create_credential(by=tech, client=other_company, name="Elsewhere", secret="Gl0bex-shared!9x", now=now)
    services.create_credential(by=tech, client=company, name="Stale", secret="q8#Vw2!mLp0zRt",
                               now=now - timedelta(days=400))
    exposed = services.create_credential(by=tech, client=company, name="Exposed", secret="z9!Kd3#pQm7wXv",
                                         now=now - timedelta(days=5))
    leaver = UserFactory(username="leo", role=Role.TECHNICIAN)
    services.reveal(exposed, by=leaver, address=None)
    leaver.is_active = False
    leaver.save()
    figures = selectors.at_risk_credentials(Credential.objects.filter(client=company), now=now)
    assert {key: figures[key] for key in ("total", "at_risk", "weak", "reused", "stale", "exposed")} == {
        "total": 5, "at_risk": 4, "weak": 1, "reused": 1, "stale": 1, "exposed": 1}
    assert [(item["name"], item["reasons"]) for item in figures["items"]] == [
        ("Stale", ["not rotated for a year"]), ("Exposed", ["revealed by a deactivated user"]),
        ("Weak", ["weak"]), ("Reused", ["reused"])]
    services.mark_rotated(exposed, by=tech)
    assert selectors.at_risk_credentials(Credential.objects.filter(client=company), now=now)["exposed"] == 0
