"""The weekly scorecard: measurables by week over the last 13 weeks, entered numbers and live figures, against
target."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from bspos.leadership import selectors, services
from bspos.leadership.models import LiveFigure, MetricEntry
from bspos.leadership.tests.factories import HatFactory, MetricFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk.models import Ticket
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)  # a Friday; this week starts Monday 16 November


def test_thirteen_weeks_of_entered_numbers_and_live_figures_against_target():
    owner = UserFactory(role=Role.OWNER)
    hat = HatFactory(name="Sales & marketing", owner=owner)
    leads = MetricFactory(hat=hat, name="Qualified leads", live="", target=Decimal("5"))
    MetricFactory(hat=hat, name="SLA met", live=LiveFigure.SLA_MET, target=Decimal("90"))
    services.enter_metric(metric=leads, week=date(2026, 11, 18), value=Decimal("6"), by=owner)  # this week
    services.enter_metric(metric=leads, week=date(2026, 8, 24), value=Decimal("2"), by=owner)  # the oldest week
    services.enter_metric(metric=leads, week=date(2026, 8, 17), value=Decimal("9"), by=owner)  # 14 weeks ago
    due = datetime(2026, 10, 15, 17, tzinfo=UTC)  # October: one ticket met, one late = 50%
    for resolved in (due, due + timedelta(hours=1)):
        Ticket.objects.filter(pk=TicketFactory(created_at=datetime(2026, 10, 1, tzinfo=UTC)).pk).update(
            resolution_due=due, resolved_at=resolved)
    card = selectors.weekly_scorecard(TODAY)
    assert len(card["weeks"]) == 13 and (card["weeks"][0], card["weeks"][-1]) == (date(2026, 8, 24), date(2026, 11, 16))
    rows = {row["metric"].name: row for row in card["rows"]}
    cells = rows["Qualified leads"]["cells"]
    assert [c["value"] for c in cells if c["value"] is not None] == [Decimal("2"), Decimal("6")]
    assert (cells[0]["on_target"], cells[-1]["on_target"]) == (False, True) and cells[5]["on_target"] is None
    assert (rows["Qualified leads"]["on_target"], rows["Qualified leads"]["judged"]) == (1, 2)
    # a live figure is the one each week's meeting read: November's weeks read October (50%: off target)
    by_week = {c["week"]: c for c in rows["SLA met"]["cells"]}
    assert by_week[date(2026, 11, 2)]["value"] == Decimal("50.0") and by_week[date(2026, 11, 2)]["on_target"] is False
    assert by_week[date(2026, 10, 26)]["value"] is None  # October's weeks read September: nothing resolved


def test_the_leadership_team_enters_a_weeks_numbers_in_one_form_and_a_bad_number_saves_nothing(client):
    owner = UserFactory(role=Role.OWNER)
    leads = MetricFactory(name="Qualified leads", live="", target=Decimal("5"))
    demos = MetricFactory(hat=leads.hat, name="Demos booked", live="", target=Decimal("2"))
    client.force_login(owner)
    url = reverse("leadership:scorecard")
    refused = client.post(url, {"week": "2026-11-18", f"value-{leads.pk}": "7", f"value-{demos.pk}": "a few"})
    page = refused.content.decode()
    assert refused.status_code == 400 and "Demos booked: enter a number." in page
    assert 'value="7"' in page and 'value="a few"' in page and not MetricEntry.objects.exists()  # nothing lost
    assert client.post(url, {"week": "2026-11-18", f"value-{leads.pk}": "7", f"value-{demos.pk}": ""}).status_code \
        == 302
    entry = MetricEntry.objects.get()
    assert (entry.metric, entry.week, entry.value) == (leads, date(2026, 11, 16), Decimal("7"))
    client.force_login(UserFactory(role=Role.TECHNICIAN))  # reads the scorecard, enters nothing
    page = client.get(url)
    assert page.status_code == 200 and "Qualified leads" in page.content.decode()
    assert "Save the numbers" not in page.content.decode()
    assert client.post(url, {"week": "2026-11-18", f"value-{leads.pk}": "1"}).status_code == 403
    assert MetricEntry.objects.get().value == Decimal("7")
