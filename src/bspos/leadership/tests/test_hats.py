"""The Hats Chart: seats with owners and success metrics whose live figures are the owner's scorecard's own."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from bspos.audit.models import AuditEvent
from bspos.core.dates import months_ending
from bspos.leadership import selectors, services
from bspos.leadership.models import DEFAULT_HATS, Hat, LiveFigure, Metric
from bspos.leadership.tests.factories import HatFactory, MetricFactory
from bspos.people.models import Role
from bspos.people.tests.factories import RateFactory, UserFactory
from bspos.scorecard import services as scorecard
from bspos.servicedesk.tests.factories import TicketFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db
SEPTEMBER_DAY = date(2026, 10, 7)  # a meeting in October reads September's figures


def test_the_chart_starts_from_the_seven_core_functions_and_flags_the_founder_wearing_most():
    owner = UserFactory(role=Role.OWNER, username="founder")
    hats = services.create_default_hats(by=owner)
    assert [h.name for h in hats] == [name for name, _ in DEFAULT_HATS] and len(hats) == 7
    for hat in hats[:4]:
        services.save_hat(hat, by=owner, owner=owner)
    chart = selectors.chart()
    assert chart["founder"]["hats"] == 4 and chart["founder_most"]
    assert len(chart["unowned"]) == 3
    services.save_hat(hats[0], by=owner, owner=UserFactory())
    assert not selectors.chart()["founder_most"]  # 3 of 7 is no longer most


def test_hat_metrics_from_constructed_data_equal_the_scorecards_figures_for_the_same_month():
    owner = UserFactory(role=Role.OWNER)
    tech = RateFactory(user=UserFactory(weekly_hours=Decimal("40"))).user
    ticket = TicketFactory(created_at=datetime(2026, 9, 1, 8, tzinfo=UTC))
    for day in range(10):
        TimeEntryFactory(technician=tech, ticket=ticket, minutes=400,
                         started_at=datetime(2026, 9, 1, 9, tzinfo=UTC) + timedelta(days=day))
        TimeEntryFactory(technician=owner, ticket=ticket, minutes=600,
                         started_at=datetime(2026, 9, 1, 9, tzinfo=UTC) + timedelta(days=day))
    hat = HatFactory(owner=owner)
    for figure in (LiveFigure.UTILISATION, LiveFigure.FOUNDER_HOURS, LiveFigure.GROSS_MARGIN):
        MetricFactory(hat=hat, name=figure.label, live=figure, target=Decimal("40"), direction="lower")
    rows = {row["metric"].live: row for row in selectors.hats_with_metrics(SEPTEMBER_DAY)[0]["metrics"]}

    months = months_ending(date(2026, 9, 1), 1)
    view = scorecard.owner_view(months, SEPTEMBER_DAY)
    card = {f.key: f.value for f in view["scorecard"]["figures"]}
    assert rows["utilisation"]["value"] == view["series"]["utilisation"][months[0]] is not None
    assert rows["founder_hours"]["value"] == card["founder_hours"] is not None
    assert rows["gross_margin"]["value"] == card["gross_margin"]
    # 6000 owner minutes over the 30 days of September = 100 h / (30/7 weeks) = 23.3 h a week: at or below 40
    assert rows["founder_hours"]["value"] == Decimal("23.3") and rows["founder_hours"]["on_target"] is True


def test_a_weekly_number_is_entered_for_its_week_and_read_back_on_target():
    owner = UserFactory(role=Role.OWNER)
    metric = MetricFactory(live="", name="Qualified leads", target=Decimal("5"))
    services.enter_metric(metric=metric, week=SEPTEMBER_DAY, value=Decimal("3"), by=owner)
    row = selectors.hats_with_metrics(SEPTEMBER_DAY)[0]["metrics"][0]
    assert row["value"] == Decimal("3") and row["on_target"] is False
    assert selectors.hats_with_metrics(SEPTEMBER_DAY + timedelta(days=7))[0]["metrics"][0]["value"] is None


def test_every_staff_member_reads_the_chart_the_leadership_team_edits_and_a_contact_meets_404(client):
    from bspos.clients.tests.factories import ContactFactory

    hat = HatFactory(name="Finance")
    tech = UserFactory(role=Role.TECHNICIAN)
    client.force_login(tech)
    page = client.get(reverse("leadership:hats"))
    assert page.status_code == 200 and "Finance" in page.content.decode() and "Add hat" not in page.content.decode()
    assert client.post(reverse("leadership:hat-save", args=[hat.pk]), {"name": "Money"}).status_code == 403
    tech.leadership_team = True
    tech.save()
    response = client.post(reverse("leadership:hat-save", args=[hat.pk]), {"name": "Money", "position": 0})
    assert response.status_code == 302 and Hat.objects.get(pk=hat.pk).name == "Money"
    assert "Money" in client.get(reverse("leadership:hats")).content.decode()  # and its change history
    contact = ContactFactory(user=UserFactory(username="alice", role=Role.CLIENT_CONTACT))
    client.force_login(contact.user)
    for name in ("hats", "meetings", "decisions", "conversations", "plan"):
        assert client.get(reverse(f"leadership:{name}")).status_code == 404


def test_hats_and_metrics_are_edited_and_deleted_with_their_history(client):
    owner = UserFactory(role=Role.OWNER, username="founder")
    metric = MetricFactory(hat__name="Finance", name="Gross margin", live="gross_margin", target=Decimal("50"))
    hat = metric.hat
    client.force_login(owner)
    page = client.get(reverse("leadership:hats")).content.decode()
    assert "hx-confirm=\"Delete the hat “Finance” and its 1 metric(s)?\"" in page
    response = client.post(reverse("leadership:metric-save", args=[metric.pk]), {
        "hat": hat.pk, "name": "Gross margin", "live": "gross_margin", "target": "55", "direction": "higher"})
    assert response.status_code == 302
    metric.refresh_from_db()
    assert metric.target == Decimal("55")
    refused = client.post(reverse("leadership:metric-save", args=[metric.pk]), {
        "hat": hat.pk, "name": "Gross margin", "live": "gross_margin", "target": "lots", "direction": "higher"})
    assert refused.status_code == 400 and Metric.objects.get(pk=metric.pk).target == Decimal("55")
    client.post(reverse("leadership:hat-save", args=[hat.pk]), {"name": "Money", "position": 0})
    history = client.get(reverse("leadership:hats")).content.decode()
    assert "target: 50.00 → 55" in history and "name: Finance → Money" in history
    client.post(reverse("leadership:metric-delete", args=[metric.pk]))
    assert not Metric.objects.exists()
    MetricFactory(hat=hat)
    client.post(reverse("leadership:hat-delete", args=[hat.pk]))
    assert not Hat.objects.exists() and not Metric.objects.exists()
    deleted = AuditEvent.objects.filter(action=AuditEvent.Action.DELETED)
    assert {e.object_repr for e in deleted} == {"Gross margin", "Utilisation", "Money"}
    assert all(e.actor == owner for e in deleted)
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    other = HatFactory()
    assert client.post(reverse("leadership:hat-delete", args=[other.pk])).status_code == 403
    assert Hat.objects.filter(pk=other.pk).exists()


def test_the_sla_met_metric_is_the_desks_rule_over_the_month_read():
    from bspos.servicedesk.models import Ticket
    from bspos.servicedesk.selectors import resolution_sla_met

    due = datetime(2026, 9, 10, 17, tzinfo=UTC)
    resolved = [due - timedelta(hours=2), due, due - timedelta(days=1), due + timedelta(minutes=1),  # 3 of 4 met
                datetime(2026, 10, 1, 9, tzinfo=UTC)]  # resolved in October: not September's
    for at in resolved:
        Ticket.objects.filter(pk=TicketFactory(created_at=datetime(2026, 9, 1, tzinfo=UTC)).pk).update(
            resolution_due=due, resolved_at=at)
    Ticket.objects.filter(pk=TicketFactory(created_at=datetime(2026, 9, 1, tzinfo=UTC)).pk).update(
        resolution_due=None, resolved_at=due)  # no SLA: not counted
    MetricFactory(name="SLA met", live=LiveFigure.SLA_MET, target=Decimal("90"))
    row = selectors.hats_with_metrics(SEPTEMBER_DAY)[0]["metrics"][0]
    since, until = datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)
    assert row["value"] == Decimal("75.0") == resolution_sla_met(Ticket.objects.all(), since, until)["rate"]
    assert row["on_target"] is False


def test_a_started_meeting_keeps_the_live_figures_it_reviewed(client):
    from bspos.leadership.tests.factories import MeetingFactory
    from bspos.servicedesk.models import Ticket

    owner = UserFactory(role=Role.OWNER)
    MetricFactory(name="SLA met", live=LiveFigure.SLA_MET, target=Decimal("90"))
    due = datetime(2026, 8, 10, 17, tzinfo=UTC)  # the meeting of 7 September reads August
    ticket = TicketFactory(created_at=datetime(2026, 8, 1, tzinfo=UTC))
    Ticket.objects.filter(pk=ticket.pk).update(resolution_due=due, resolved_at=due)
    meeting = MeetingFactory()
    services.start_meeting(meeting, attendees=[owner], by=owner)
    assert meeting.figures["sla_met"] == "100.0"
    late = TicketFactory(created_at=datetime(2026, 8, 1, tzinfo=UTC))  # August changes after the meeting started
    Ticket.objects.filter(pk=late.pk).update(resolution_due=due, resolved_at=due + timedelta(days=1))
    day = date(2026, 9, 7)
    assert selectors.hats_with_metrics(day)[0]["metrics"][0]["value"] == Decimal("50.0")  # live now
    kept = selectors.hats_with_metrics(day, meeting.figures)[0]["metrics"][0]
    assert kept["value"] == Decimal("100.0") and kept["on_target"] is True  # what the meeting reviewed
    client.force_login(owner)
    row = client.get(reverse("leadership:meeting", args=[meeting.pk])).content.decode().split("SLA met")[1]
    assert "100.0" in row.split("</tr>")[0]
