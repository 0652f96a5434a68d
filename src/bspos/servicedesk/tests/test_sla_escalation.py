"""The every-minute SLA job: at-risk and breach signals, a plan's escalation rules and the waiting-on-client
follow-ups, each fired once per ticket and threshold; paused time does not count."""

import functools
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bspos.core.business_time import BusinessClock
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk import escalation, services, signals
from bspos.servicedesk.models import SlaMark, Status
from bspos.servicedesk.tests.factories import TicketFactory
from bspos.sla.models import Priority, SlaTarget
from bspos.sla.services import business_clock, compute_clocks, percent_used, threshold_minutes
from bspos.sla.tests.factories import EscalationRuleFactory

MONDAY_10 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # London is on UTC in November; office hours 09:00-17:00
# A P3 ticket opened then: respond in 2 h (Mon 12:00), resolve in 16 business hours (Wed 10:00); at risk at 75%
# (Mon 11:30 and Tue 14:00); 90% of the resolution target is 864 business minutes: Tuesday 16:24.
RESOLUTION_90 = datetime(2026, 11, 3, 16, 24, tzinfo=UTC)


@pytest.fixture
def heard():
    """Every SLA signal sent, as (signal name, ticket number, target, extra)."""
    events = []

    def listener(name):
        def receive(sender, ticket, target, **extra):
            events.append((name, ticket.number, target, extra))
        return receive

    receivers = {signal: listener(name) for name, signal in (
        ("at_risk", signals.sla_at_risk), ("breached", signals.sla_breached), ("escalated", signals.sla_escalated))}
    for signal, receiver in receivers.items():
        signal.connect(receiver)
    yield events
    for signal, receiver in receivers.items():
        signal.disconnect(receiver)


def _names(events):
    return [(name, target) for name, _, target, _ in events]


def test_a_ticket_nearing_breach_escalates_by_its_plans_rule_once(agreement, company, tech, heard):
    senior = UserFactory(username="sam", role=Role.TECHNICIAN, first_name="Sam")
    EscalationRuleFactory(plan=agreement.sla_plan, percent=90, notify_assignee=True, reassign_to=senior)
    ticket = TicketFactory(client=company, created_at=MONDAY_10, assignee=tech)
    services.add_note(ticket, author=tech, body="Looking at it", at=MONDAY_10 + timedelta(minutes=5))

    assert escalation.run_sla_job(RESOLUTION_90 - timedelta(minutes=1)) == 1  # only the resolution at-risk moment
    ticket.refresh_from_db()
    assert ticket.assignee == tech and ticket.priority == Priority.MEDIUM

    assert escalation.run_sla_job(RESOLUTION_90) == 1
    assert escalation.run_sla_job(RESOLUTION_90 + timedelta(minutes=1)) == 0  # fired once
    ticket.refresh_from_db()
    assert ticket.assignee == senior
    note = ticket.notes.filter(is_internal=True).get()
    assert "90% of the resolution target used" in note.body and "reassigned to Sam" in note.body
    escalated = [extra for name, _, _, extra in heard if name == "escalated"]
    assert len(escalated) == 1 and escalated[0]["percent"] == 90
    assert {user.username for user in escalated[0]["users"]} == {"sam"}  # the new assignee is told


def test_at_risk_and_breach_are_sent_once_per_target_even_without_rules(company, manager, heard):
    ticket = TicketFactory(client=company, created_at=MONDAY_10)
    escalation.run_sla_job(MONDAY_10 + timedelta(minutes=90))  # 75% of the 2-hour first response
    assert _names(heard) == [("at_risk", "first_response")]
    escalation.run_sla_job(MONDAY_10 + timedelta(hours=2))
    escalation.run_sla_job(MONDAY_10 + timedelta(hours=2, minutes=1))
    assert _names(heard) == [("at_risk", "first_response"), ("breached", "first_response"),
                             ("escalated", "first_response")]
    breach = heard[-1]
    assert breach[1] == ticket.number and breach[3]["users"] == [manager]  # the service manager hears of the breach
    escalation.run_sla_job(datetime(2026, 11, 4, 10, 0, tzinfo=UTC))
    assert _names(heard)[3:] == [("at_risk", "resolution"), ("breached", "resolution"), ("escalated", "resolution")]
    assert SlaMark.objects.filter(ticket=ticket).count() == 4


def test_time_waiting_on_the_client_does_not_count_towards_a_rule(agreement, company, tech, heard):
    EscalationRuleFactory(plan=agreement.sla_plan, percent=90, raise_priority="1")
    ticket = TicketFactory(client=company, created_at=MONDAY_10, assignee=tech)
    services.add_note(ticket, author=tech, body="Which printer?", at=MONDAY_10 + timedelta(minutes=5))
    services.change_status(ticket, Status.WAITING_ON_CLIENT, at=datetime(2026, 11, 2, 11, 0, tzinfo=UTC))

    assert escalation.run_sla_job(RESOLUTION_90) == 0  # paused after one business hour: nothing used since
    services.change_status(ticket, Status.OPEN, at=datetime(2026, 11, 3, 11, 0, tzinfo=UTC))  # 8 h paused
    assert escalation.run_sla_job(RESOLUTION_90) == 0
    ticket.refresh_from_db()
    assert ticket.priority == Priority.MEDIUM
    later = datetime(2026, 11, 4, 16, 24, tzinfo=UTC)  # 90% plus the eight paused business hours
    assert escalation.run_sla_job(later - timedelta(minutes=1)) == 1  # the resolution at-risk moment only
    assert escalation.run_sla_job(later) == 1
    ticket.refresh_from_db()
    assert ticket.priority == Priority.CRITICAL  # P1's four-hour target is used up already: breached next


def test_raising_one_step_goes_up_a_priority_and_never_past_critical():
    assert escalation.raised_priority(Priority.LOW, "step") == Priority.MEDIUM
    assert escalation.raised_priority(Priority.CRITICAL, "step") == Priority.CRITICAL
    assert escalation.raised_priority(Priority.HIGH, "3") == Priority.HIGH  # "to P3" never lowers a P2


def test_a_rule_below_the_at_risk_share_fires_at_its_own_moment(agreement, company, tech):
    EscalationRuleFactory(plan=agreement.sla_plan, target="first_response", percent=50, notify_managers=True,
                          notify_assignee=False)
    TicketFactory(client=company, created_at=MONDAY_10, assignee=tech)
    assert escalation.run_sla_job(MONDAY_10 + timedelta(minutes=59)) == 0
    assert escalation.run_sla_job(MONDAY_10 + timedelta(minutes=60)) == 1


def test_a_first_response_rule_does_not_fire_once_the_client_had_an_answer(agreement, company, tech):
    EscalationRuleFactory(plan=agreement.sla_plan, target="first_response", percent=90, raise_priority="step")
    ticket = TicketFactory(client=company, created_at=MONDAY_10, assignee=tech)
    services.add_note(ticket, author=tech, body="On it", at=MONDAY_10 + timedelta(minutes=5))
    escalation.run_sla_job(MONDAY_10 + timedelta(hours=3))
    ticket.refresh_from_db()
    assert ticket.priority == Priority.MEDIUM and not SlaMark.objects.filter(key__startswith="rule:").exists()


@pytest.fixture
def waiting_plan(agreement):
    plan = agreement.sla_plan
    plan.remind_after_days, plan.resolve_after_days = 3, 4
    plan.save()
    return plan


FRIDAY_15 = datetime(2026, 11, 6, 15, 0, tzinfo=UTC)


def test_waiting_on_the_client_reminds_after_n_business_days_then_resolves_after_m_more(
        waiting_plan, company, contact, tech):
    ticket = TicketFactory(client=company, contact=contact, created_at=MONDAY_10, assignee=tech)
    services.change_status(ticket, Status.WAITING_ON_CLIENT, at=FRIDAY_15)
    reminder_at = datetime(2026, 11, 11, 15, 0, tzinfo=UTC)  # Mon, Tue, Wed: three business days later

    escalation.run_sla_job(reminder_at - timedelta(minutes=1))
    assert [m for m in mail.outbox if "waiting for your reply" in m.body] == []
    escalation.run_sla_job(reminder_at)
    escalation.run_sla_job(reminder_at + timedelta(minutes=1))
    reminders = [m for m in mail.outbox if "waiting for your reply" in m.body]
    assert len(reminders) == 1 and reminders[0].to == ["alice@acme-dental.test"]
    assert f"[#{ticket.number}]" in reminders[0].subject

    resolve_at = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)  # Thu, Fri, Mon, Tue: four more business days
    escalation.run_sla_job(resolve_at - timedelta(minutes=1))
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING_ON_CLIENT
    escalation.run_sla_job(resolve_at)
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.resolved_at == resolve_at
    public = ticket.notes.filter(is_internal=False).get()
    assert "not heard back from you for 7 business days" in public.body


def test_a_reply_from_the_client_starts_the_wait_afresh(waiting_plan, company, contact, tech):
    ticket = TicketFactory(client=company, contact=contact, created_at=MONDAY_10, assignee=tech)
    services.change_status(ticket, Status.WAITING_ON_CLIENT, at=FRIDAY_15)
    services.change_status(ticket, Status.OPEN, at=datetime(2026, 11, 10, 9, 0, tzinfo=UTC), by=contact.user)
    services.change_status(ticket, Status.WAITING_ON_CLIENT, at=datetime(2026, 11, 10, 10, 0, tzinfo=UTC))
    escalation.run_sla_job(datetime(2026, 11, 11, 15, 0, tzinfo=UTC))
    assert not [m for m in mail.outbox if "waiting for your reply" in m.body]
    escalation.run_sla_job(datetime(2026, 11, 13, 10, 0, tzinfo=UTC))  # Wed, Thu, Fri after the second wait began
    assert len([m for m in mail.outbox if "waiting for your reply" in m.body]) == 1


def test_a_holiday_is_not_a_business_day_for_the_reminder(waiting_plan, company, contact):
    ticket = TicketFactory(client=company, contact=contact, created_at=datetime(2026, 12, 21, 10, 0, tzinfo=UTC))
    services.change_status(ticket, Status.WAITING_ON_CLIENT, at=datetime(2026, 12, 23, 12, 0, tzinfo=UTC))
    # Christmas Friday 25th and Boxing Day (Monday 28th, substitute) are holidays in England.
    escalation.run_sla_job(datetime(2026, 12, 29, 12, 0, tzinfo=UTC))  # Thu 24, Tue 29: two business days
    assert not mail.outbox
    escalation.run_sla_job(datetime(2026, 12, 30, 12, 0, tzinfo=UTC))
    assert len(mail.outbox) == 1


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_a_reminder_the_mail_server_refused_is_sent_on_a_later_run(waiting_plan, company, contact, settings):
    ticket = TicketFactory(client=company, contact=contact, created_at=MONDAY_10)
    services.change_status(ticket, Status.WAITING_ON_CLIENT, at=FRIDAY_15)
    reminder_at = datetime(2026, 11, 11, 15, 0, tzinfo=UTC)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    escalation.run_sla_job(reminder_at)
    assert not ticket.notes.exists() and not SlaMark.objects.filter(key__startswith="waiting:").exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    escalation.run_sla_job(reminder_at + timedelta(minutes=1))
    assert len(mail.outbox) == 1 and ticket.notes.get().body.startswith("Waiting-on-client reminder sent")


def _open_tickets(company, count):
    for _ in range(count):
        TicketFactory(client=company, created_at=MONDAY_10)


def _queries_to_find(now):
    with CaptureQueriesContext(connection) as queries:
        escalation.due_firings(now)
    return len(queries)


@pytest.mark.parametrize("when", [MONDAY_10 + timedelta(minutes=30), RESOLUTION_90 + timedelta(hours=2)])
def test_finding_what_is_due_takes_the_same_queries_for_one_ticket_as_for_fifty(agreement, company, when):
    EscalationRuleFactory(plan=agreement.sla_plan, percent=50)
    EscalationRuleFactory(plan=agreement.sla_plan, percent=90)
    agreement.sla_plan.remind_after_days = 1
    agreement.sla_plan.save()
    _open_tickets(company, 1)
    one = _queries_to_find(when)
    _open_tickets(company, 49)
    assert _queries_to_find(when) == one


# --- the percent arithmetic -------------------------------------------------------------------------------------

WEEK = st.integers(min_value=0, max_value=7 * 24 * 60 - 1).map(lambda m: MONDAY_10 + timedelta(minutes=m))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(started=WEEK, minutes=st.integers(1, 3000), percent=st.integers(1, 100), paused=st.integers(0, 600),
       at_risk=st.integers(1, 99))
def test_a_rules_moment_is_when_its_share_of_the_target_is_used(started, minutes, percent, paused, at_risk):
    """The job's threshold arithmetic is compute_clocks' at the at-risk share and at 100%, and in between the first
    whole minute at which the used share reaches the rule's."""
    clock = BusinessClock("Europe/London", [(day, 9 * 60, 17 * 60) for day in range(5)])
    target = SlaTarget(priority=3, first_response_minutes=minutes, resolution_minutes=minutes)
    clocks = compute_clocks(clock=clock, target=target, at_risk_percent=at_risk, started_at=started,
                            paused_minutes=paused)
    moment = clock.add(started, threshold_minutes(minutes, percent) + paused)
    if percent == 100:
        assert moment == clocks.resolution_due
    if percent == at_risk:
        assert moment == clocks.resolution_warning_at
    used = functools.partial(percent_used, clock=clock, started_at=started, target_minutes=minutes,
                             paused_minutes=paused)
    assert used(now=moment) >= percent > used(now=moment - timedelta(minutes=1))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(percent=st.integers(1, 100), after=st.integers(0, 4 * 24 * 60), target=st.sampled_from(["first_response",
                                                                                               "resolution"]))
def test_the_job_finds_a_rule_exactly_when_its_moment_has_passed(agreement, company, percent, after, target):
    """The SQL bounds and the exact check together give the arithmetic above, for rules below, at and above the
    plan's at-risk share."""
    with transaction.atomic():
        ticket = TicketFactory(client=company, created_at=MONDAY_10)
        EscalationRuleFactory(plan=agreement.sla_plan, target=target, percent=percent)
        now = MONDAY_10 + timedelta(minutes=after)
        minutes = ticket.sla_plan.targets.get(priority=ticket.priority)
        clock = business_clock(ticket.sla_plan.calendar)
        moment = clock.add(MONDAY_10, threshold_minutes(getattr(minutes, f"{target}_minutes"), percent))
        fired = [f for f in escalation.due_firings(now) if f.kind == escalation.RULE]
        assert bool(fired) == (moment <= now)
        transaction.set_rollback(True)


def test_the_ticket_pages_card_shows_the_plans_rules_and_what_fired(agreement, company, tech):
    from django.template import Context, Template

    EscalationRuleFactory(plan=agreement.sla_plan, target="first_response", percent=50, notify_managers=True,
                          notify_assignee=False)
    ticket = TicketFactory(client=company, created_at=MONDAY_10, assignee=tech)
    escalation.run_sla_job(MONDAY_10 + timedelta(minutes=95))
    card = Template("{% load sla_escalation %}{% sla_escalations ticket %}").render(Context({"ticket": ticket}))
    assert "At 50% of first response: notify the service managers — <strong>fired</strong>" in card
    assert "First response at risk" in card and "Rule at 50% of the first response target" in card
