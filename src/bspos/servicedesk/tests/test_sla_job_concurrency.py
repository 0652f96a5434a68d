"""Two SLA job runs at once (the scheduler started one while the last was still going) act once (SQLite and
PostgreSQL)."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from bspos.servicedesk import escalation, signals
from bspos.servicedesk.models import SlaMark
from bspos.servicedesk.tests.factories import TicketFactory
from bspos.sla.models import Priority
from bspos.sla.tests.factories import EscalationRuleFactory

MONDAY_10 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_fire_each_threshold_once(agreement, company, tech, manager):
    EscalationRuleFactory(plan=agreement.sla_plan, target="first_response", percent=50,
                          notify_managers=True, raise_priority="step")
    tickets = [TicketFactory(client=company, created_at=MONDAY_10, assignee=tech) for _ in range(3)]
    escalated = []

    def heard(sender, ticket, target, percent, users, text, **extra):
        escalated.append((ticket.pk, percent))

    signals.sla_escalated.connect(heard)
    barrier, counts, errors = threading.Barrier(2), [], []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            counts.append(escalation.run_sla_job(datetime(2026, 11, 2, 15, 0, tzinfo=UTC)))  # first response: 5 h
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        signals.sla_escalated.disconnect(heard)
    assert not errors
    # Per ticket: the first response at risk, the 50% rule (one hour of two) and the breach.
    assert sum(counts) == 3 * 3
    assert sorted(escalated) == sorted([(t.pk, 100) for t in tickets] + [(t.pk, 50) for t in tickets])
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.priority == Priority.HIGH  # raised one step, once
        assert ticket.notes.filter(is_internal=True).count() == 1
    assert SlaMark.objects.count() == 9
