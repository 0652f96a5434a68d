"""Waiting on the client pauses the resolution clock; resuming pushes the due time later by the paused business
minutes, through the status workflow (change_status) as a technician uses it."""

from datetime import UTC, datetime

from bspos.servicedesk import services
from bspos.servicedesk.models import Status
from bspos.servicedesk.selectors import SlaState, with_sla_state
from bspos.servicedesk.tests.factories import TicketFactory
from bspos.sla.services import business_clock

MONDAY_10 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # London is on UTC in November; office hours 09:00-17:00


def test_waiting_on_the_client_pauses_and_resuming_pushes_resolution_later_by_the_paused_business_minutes(company):
    ticket = TicketFactory(client=company, created_at=MONDAY_10)  # P3: respond in 2 h, resolve in 16 business hours
    response_due, resolution_due = ticket.first_response_due, ticket.resolution_due
    assert resolution_due == datetime(2026, 11, 4, 10, 0, tzinfo=UTC)

    services.change_status(ticket, Status.WAITING_ON_CLIENT, at=datetime(2026, 11, 2, 11, 0, tzinfo=UTC))
    ticket.refresh_from_db()
    assert ticket.sla_paused_at == datetime(2026, 11, 2, 11, 0, tzinfo=UTC)
    assert with_sla_state(type(ticket).objects.filter(pk=ticket.pk)).get().sla_state == SlaState.PAUSED

    services.change_status(ticket, Status.OPEN, at=datetime(2026, 11, 3, 11, 0, tzinfo=UTC))
    ticket.refresh_from_db()
    assert ticket.sla_paused_at is None
    assert ticket.sla_paused_minutes == 6 * 60 + 2 * 60  # Monday 11-17 and Tuesday 09-11
    clock = business_clock(ticket.sla_plan.calendar)
    assert ticket.resolution_due == clock.add(resolution_due, 480) == datetime(2026, 11, 5, 10, 0, tzinfo=UTC)
    assert ticket.first_response_due == response_due  # the pause stops only the resolution clock


def test_a_pause_outside_office_hours_moves_nothing(company):
    ticket = TicketFactory(client=company, created_at=datetime(2026, 11, 6, 10, 0, tzinfo=UTC))  # a Friday
    due = ticket.resolution_due
    services.change_status(ticket, Status.WAITING_ON_CLIENT, at=datetime(2026, 11, 6, 18, 0, tzinfo=UTC))
    services.change_status(ticket, Status.OPEN, at=datetime(2026, 11, 9, 8, 0, tzinfo=UTC))  # Monday before nine
    ticket.refresh_from_db()
    assert ticket.sla_paused_minutes == 0 and ticket.resolution_due == due
