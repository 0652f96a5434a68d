"""Readiness statements e1-e4 are pre-filled from the Hats Chart, the conversations, the meetings and the plan."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from bspos.leadership import selectors, services
from bspos.leadership.models import Conversation, Meeting
from bspos.leadership.tests.factories import HatFactory, MetricFactory, PlanFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


def test_nothing_recorded_suggests_nothing():
    assert selectors.readiness_evidence(TODAY) == {}


def test_e1_to_e4_are_suggested_from_the_leadership_records():
    owner = UserFactory(role=Role.OWNER)
    hats = [HatFactory(owner=owner) for _ in range(7)]
    for hat in hats[:6]:
        MetricFactory(hat=hat)
    for week in range(8):
        start = datetime(2026, 11, 16, 9, tzinfo=UTC) - timedelta(weeks=week)
        Meeting.objects.create(scheduled_at=start, agenda=[["All", 90]], started_at=start,
                               ended_at=start + timedelta(minutes=88))
    for month in (date(2026, 7, 1), date(2026, 8, 1)):
        c = services.schedule_conversation(kind=Conversation.Kind.ONE_ON_ONE, person=owner, period_start=month)
        services.hold_conversation(c, held_on=c.due_on)
    plan = services.save_vision(PlanFactory(), vision="Sixty law firms", by=owner)
    for n in range(3):
        services.add_rock(plan=plan, quarter=4, title=f"Rock {n}", owner=owner)
    evidence = selectors.readiness_evidence(TODAY)
    assert evidence["e1"] == (3, "6 of 7 hats have an owner and a success metric.")
    assert evidence["e2"][0] == 4 and "100.0%" in evidence["e2"][1]
    assert evidence["e3"] == (4, "8 leadership meetings held in the last 8 weeks, 88 minutes on average.")
    assert evidence["e4"] == (4, "The 2026 plan has a vision or goals and 3 rocks this quarter.")
    MetricFactory(hat=hats[6])
    assert selectors.readiness_evidence(TODAY)["e1"][0] == 4


def test_the_readiness_page_shows_the_leadership_evidence(client):
    owner = UserFactory(role=Role.OWNER)
    MetricFactory(hat=HatFactory(owner=owner), target=Decimal("70"))
    client.force_login(owner)
    page = client.get(reverse("scorecard:readiness")).content.decode()
    assert "1 of 1 hats have an owner and a success metric." in page
