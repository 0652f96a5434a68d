"""The funnel's leads list filters through its FilterSet (open by default; bad values ignored with a message);
moving a lead on is a service: audited, refused with a reason when it cannot move."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bspos.audit.models import AuditEvent
from bspos.clients.models import ClientStatus
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.scorecard import services
from bspos.scorecard.tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    client.force_login(UserFactory(role=Role.OWNER))
    return client


def test_the_leads_list_shows_open_leads_by_default_and_ignores_bad_filters(owner):
    OpportunityFactory(name="Open Co")
    OpportunityFactory(name="Lost Co", lost_on=date(2026, 10, 1))
    page = owner.get(reverse("scorecard:funnel")).content.decode()
    assert "Open Co" in page and "Lost Co" not in page
    assert "Lost Co" in owner.get(reverse("scorecard:funnel"), {"state": "lost"}).content.decode()
    bad = owner.get(reverse("scorecard:funnel"), {"q": "Op\x00en", "state": "maybe"})
    assert bad.status_code == 200 and "Some filters were ignored" in bad.content.decode()
    assert owner.get(reverse("scorecard:owner"), {"months": "99999999999999999999"}).status_code == 200


def test_a_won_lead_becomes_an_active_client_and_each_step_is_audited():
    lead = OpportunityFactory(name="Brand New LLP")
    labels = [services.advance(lead, today=date(2026, 11, 2)) for _ in range(5)]
    assert labels == ["Engagement", "Subscription", "Conversion", "Excitement", "Ascension"]
    lead.refresh_from_db()
    assert lead.client.status == ClientStatus.ACTIVE and lead.client.client_since == date(2026, 11, 2)
    assert AuditEvent.objects.filter(object_id=lead.pk, action="changed").count() == 5
    with pytest.raises(ValidationError, match="reached Ascension"):
        services.advance(lead)
    with pytest.raises(ValidationError, match="cannot be lost"):
        services.lose(lead)
