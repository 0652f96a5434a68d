"""The job creates each occurrence's ticket a set number of days ahead, exactly once, whatever the sequence of runs,
clock moves, pauses and ends."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bspos.knowledge.models import ChecklistKind, ChecklistTemplate, ChecklistTemplateItem
from bspos.recurring import services
from bspos.recurring.models import LAST_DAY, Frequency, Occurrence, RecurringTicket
from bspos.recurring.tests.factories import RecurringTicketFactory
from bspos.servicedesk.models import Ticket

START = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def test_a_ticket_is_created_days_ahead_of_its_occurrence_and_only_once(tech):
    template = RecurringTicketFactory(frequency=Frequency.WEEKLY, weekdays="0,3", days_ahead=2, assignee=tech,
                                      time_of_day=time(9, 0))  # Mondays and Thursdays; 1 Dec 2026 is a Tuesday
    assert services.create_due(now=START + timedelta(hours=8, minutes=59)) == 0
    assert services.create_due(now=START + timedelta(hours=9)) == 1  # Thursday 3 Dec 09:00, two days ahead
    assert services.create_due(now=START + timedelta(hours=9)) == 0
    assert services.create_due(now=START + timedelta(days=4, hours=8, minutes=59)) == 0  # Monday 7 Dec 09:00 - 2d
    assert services.create_due(now=START + timedelta(days=4, hours=9)) == 1
    days = list(template.occurrences.order_by("occurs_on").values_list("occurs_on", flat=True))
    assert days == [date(2026, 12, 3), date(2026, 12, 7)]
    ticket = Ticket.objects.get(pk=template.occurrences.get(occurs_on=date(2026, 12, 3)).ticket_id)
    assert ticket.subject.startswith(template.subject) and "3 Dec 2026" in ticket.subject
    assert ticket.assignee == tech and ticket.client == template.client


def test_the_rule_covers_month_ends_intervals_counts_and_end_dates():
    month_end = RecurringTicketFactory.build(frequency=Frequency.MONTHLY, month_day=LAST_DAY,
                                             starts_on=date(2027, 1, 1))
    assert [m.date() for m in month_end.upcoming(START, 3)] == [date(2027, 1, 31), date(2027, 2, 28),
                                                                date(2027, 3, 31)]
    fortnightly = RecurringTicketFactory.build(frequency=Frequency.WEEKLY, interval=2, starts_on=date(2026, 12, 1))
    assert [m.date() for m in fortnightly.upcoming(START, 3)] == [date(2026, 12, 1), date(2026, 12, 15),
                                                                  date(2026, 12, 29)]
    three_times = RecurringTicketFactory.build(frequency=Frequency.YEARLY, count=3, starts_on=date(2026, 12, 1))
    assert len(three_times.upcoming(START, 5)) == 3
    until = RecurringTicketFactory.build(frequency=Frequency.DAILY, ends_on=date(2026, 12, 3))
    assert [m.date() for m in until.upcoming(START, 5)] == [date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)]
    assert until.describe() == "Every day at 08:00, until 3 Dec 2026"


def test_the_time_of_day_stays_in_the_msps_zone_across_daylight_saving(settings):
    settings.TIME_ZONE = "Europe/London"
    template = RecurringTicketFactory.build(frequency=Frequency.MONTHLY, starts_on=date(2027, 3, 1))
    utc_hours = [m.astimezone(UTC).hour for m in template.upcoming(START, 2)]
    assert utc_hours == [8, 7]  # 08:00 GMT on 1 March, 08:00 BST on 1 April


def test_paused_and_ended_templates_create_nothing_and_resume_skips_the_pause():
    template = RecurringTicketFactory()
    services.pause(template, by=None)
    assert services.create_due(now=START + timedelta(days=3)) == 0
    services.resume(template, by=None, now=START + timedelta(days=3))
    assert services.create_due(now=START + timedelta(days=3, hours=8)) == 1
    assert list(template.occurrences.values_list("occurs_on", flat=True)) == [date(2026, 12, 4)]
    services.end(RecurringTicket.objects.get(pk=template.pk), by=None, now=START + timedelta(days=4))
    assert services.create_due(now=START + timedelta(days=30)) == 0
    assert Ticket.objects.count() == 1


def test_each_ticket_starts_the_templates_checklist_for_the_client(tech):
    checklist = ChecklistTemplate.objects.create(name="Patching", kind=ChecklistKind.MONTHLY_MAINTENANCE)
    ChecklistTemplateItem.objects.create(template=checklist, text="Approve updates", due_after_days=1)
    template = RecurringTicketFactory(frequency=Frequency.MONTHLY, checklist_template=checklist, assignee=tech)
    services.create_due(now=START + timedelta(hours=8))
    occurrence = template.occurrences.get()
    run = occurrence.checklist_run
    assert run.client == template.client and f"#{occurrence.ticket.number}" in run.title
    assert [(i.text, i.due_on, i.assignee) for i in run.items.all()] == [("Approve updates", date(2026, 12, 2), tech)]


def test_a_ticket_the_desk_refuses_is_logged_and_the_other_templates_go_on(monkeypatch):
    from django.core.exceptions import ValidationError

    broken, fine = RecurringTicketFactory(), RecurringTicketFactory()
    real = services._ticket

    def refuse(template, moment):
        if template.pk == broken.pk:
            raise ValidationError("SLA plan has no target for Low.")
        return real(template, moment)

    monkeypatch.setattr(services, "_ticket", refuse)
    assert services.create_due(now=START + timedelta(hours=8)) == 1
    assert not broken.occurrences.exists() and fine.occurrences.count() == 1


# One step of the world: the clock moves (either way), the job runs, or someone pauses, resumes or ends.
steps = st.lists(st.one_of(
    st.tuples(st.just("clock"), st.integers(min_value=-72, max_value=24 * 20)),
    st.tuples(st.just("run"), st.just(0)),
    st.tuples(st.sampled_from(["pause", "resume", "end"]), st.just(0)),
), min_size=1, max_size=25)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(steps=steps, frequency=st.sampled_from(Frequency.values), interval=st.integers(1, 3),
       days_ahead=st.integers(0, 10))
def test_no_occurrence_is_ever_created_twice_and_none_is_created_while_stopped(steps, frequency, interval,
                                                                                 days_ahead):
    Ticket.objects.all().delete()
    RecurringTicket.objects.all().delete()
    template = RecurringTicketFactory(frequency=frequency, interval=interval, days_ahead=days_ahead)
    now, reached = START, START
    for action, hours in steps:
        template.refresh_from_db()
        if action == "clock":
            now += timedelta(hours=hours)
        elif action == "run":
            before = template.occurrences.count()
            created = services.create_due(now=now)
            if template.paused or template.ended_at:
                assert created == 0
            assert template.occurrences.count() == before + created
            reached = max(reached, now)
        elif action == "pause" and not template.ended_at:
            services.pause(template, by=None)
        elif action == "resume" and not template.ended_at:
            services.resume(template, by=None, now=now)
        elif action == "end" and not template.ended_at:
            services.end(template, by=None, now=now)
    days = list(Occurrence.objects.values_list("occurs_on", flat=True))
    assert len(days) == len(set(days)) == Ticket.objects.count()
    rule_days = {m.date() for m in template.rule().between(START, reached + timedelta(days=days_ahead), inc=True)}
    assert set(days) <= rule_days  # only days of the rule, never beyond the furthest horizon a run saw
