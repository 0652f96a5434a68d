"""The demo MSP's dispatch board: weeks of on-site and remote work on the technicians' own tickets, deterministic."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from bspos.demo.services import DemoSize, load_demo
from bspos.people.models import Role
from bspos.schedule.models import Location, ScheduleEntry

SIZE = DemoSize(clients=6, months=2, seed=5, today=date(2026, 11, 20))


def board_fingerprint() -> list:
    return list(ScheduleEntry.objects.order_by("technician__username", "starts_at", "pk").values_list(
        "technician__username", "starts_at", "ends_at", "ticket__number", "title", "location", "site__name"))


@pytest.mark.django_db(transaction=True)
def test_the_demo_books_on_site_visits_at_the_tickets_client_and_plans_ahead():
    load_demo(SIZE)
    entries = ScheduleEntry.objects.select_related("ticket", "site", "technician")
    assert entries.count() > 100
    on_site = [e for e in entries if e.location == Location.ON_SITE]
    assert on_site and all(e.site.client_id == e.ticket.client_id for e in on_site)
    assert {e.technician.role for e in entries} == {Role.TECHNICIAN}
    assert all(e.ticket.assignee_id == e.technician_id for e in entries if e.ticket_id)
    assert entries.filter(starts_at__date__gt=SIZE.today + timedelta(days=2)).exists()  # next week is planned
    assert entries.filter(title="Team meeting").exists()
    assert any(e.has_conflict for e in ScheduleEntry.objects.with_conflicts())  # something to resolve
    first = board_fingerprint()
    call_command("flush", interactive=False, verbosity=0)
    load_demo(SIZE)
    assert board_fingerprint() == first
