"""Booking time: conflicts, the rules an entry keeps, who may dispatch whom, and the audit trail."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bspos.audit.services import history
from bspos.clients.tests.factories import SiteFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.schedule import services
from bspos.schedule.models import ScheduleEntry
from bspos.schedule.tests.factories import ScheduleEntryFactory
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

NINE = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def at(hour: float) -> datetime:
    return NINE + timedelta(hours=hour - 9)


def test_overlapping_entries_of_one_technician_are_conflicts_and_back_to_back_ones_are_not():
    tech, other = UserFactory(), UserFactory()
    first = ScheduleEntryFactory(technician=tech, starts_at=at(9), ends_at=at(11))
    overlapping = ScheduleEntryFactory(technician=tech, starts_at=at(10.5), ends_at=at(12))
    after = ScheduleEntryFactory(technician=tech, starts_at=at(12), ends_at=at(13))
    elsewhere = ScheduleEntryFactory(technician=other, starts_at=at(9), ends_at=at(11))
    flagged = dict(ScheduleEntry.objects.with_conflicts().values_list("pk", "has_conflict"))
    assert flagged == {first.pk: True, overlapping.pk: True, after.pk: False, elsewhere.pk: False}
    assert list(services.conflicts(first)) == [overlapping]
    assert list(services.conflicts(after)) == []


def test_a_double_booking_is_allowed_and_reported():
    manager, tech = UserFactory(role=Role.SERVICE_MANAGER), UserFactory()
    ScheduleEntryFactory(technician=tech, starts_at=at(9), ends_at=at(11), title="Patch night")
    entry = services.create_entry(technician=tech, starts_at=at(10), ends_at=at(12), title="Server move",
                                  by=manager)
    assert [c.title for c in services.conflicts(entry)] == ["Patch night"]


@pytest.mark.parametrize(("starts", "ends", "field"), [(at(10), at(10), "ends_at"), (at(10), at(9), "ends_at"),
                                                       (at(9), at(9) + timedelta(hours=25), "ends_at")])
def test_the_end_comes_after_the_start_within_a_day_and_nothing_is_saved(starts, ends, field):
    tech = UserFactory()
    with pytest.raises(ValidationError) as refused:
        services.create_entry(technician=tech, starts_at=starts, ends_at=ends, title="x", by=tech)
    assert field in refused.value.message_dict
    assert not ScheduleEntry.objects.exists()


def test_internal_work_says_what_it_is_for():
    tech = UserFactory()
    with pytest.raises(ValidationError) as refused:
        services.create_entry(technician=tech, starts_at=at(9), ends_at=at(10), title="  ", by=tech)
    assert "title" in refused.value.message_dict
    ticket = TicketFactory()
    entry = services.create_entry(technician=tech, starts_at=at(9), ends_at=at(10), ticket=ticket, by=tech)
    assert entry.label == f"#{ticket.number} {ticket.subject} — {ticket.client.name}"


def test_an_on_site_visit_is_at_one_of_the_tickets_clients_sites():
    tech = UserFactory()
    ticket = TicketFactory()
    own, foreign = SiteFactory(client=ticket.client, name="Head office"), SiteFactory()
    with pytest.raises(ValidationError) as no_site:
        services.create_entry(technician=tech, starts_at=at(9), ends_at=at(10), ticket=ticket, location="on_site",
                              by=tech)
    assert "site" in no_site.value.message_dict
    with pytest.raises(ValidationError) as wrong_site:
        services.create_entry(technician=tech, starts_at=at(9), ends_at=at(10), ticket=ticket, location="on_site",
                              site=foreign, by=tech)
    assert "another client" in str(wrong_site.value)
    visit = services.create_entry(technician=tech, starts_at=at(9), ends_at=at(10), ticket=ticket,
                                  location="on_site", site=own, by=tech)
    assert visit.site == own


def test_a_technician_books_their_own_time_and_a_dispatcher_anybodys():
    tech, colleague = UserFactory(), UserFactory()
    manager = UserFactory(role=Role.SERVICE_MANAGER)
    with pytest.raises(PermissionDenied):
        services.create_entry(technician=colleague, starts_at=at(9), ends_at=at(10), title="x", by=tech)
    own = services.create_entry(technician=tech, starts_at=at(9), ends_at=at(10), title="Lab", by=tech)
    with pytest.raises(PermissionDenied):  # handing one's own entry to a colleague is dispatching them
        services.move_entry(own, technician=colleague, by=tech)
    with pytest.raises(PermissionDenied):
        services.create_entry(technician=tech, starts_at=at(9), ends_at=at(10), title="x",
                              by=UserFactory(role=Role.FINANCE))
    moved = services.move_entry(own, technician=colleague, by=manager)
    assert moved.technician == colleague
    own.refresh_from_db()
    assert own.technician == colleague


def test_moving_keeps_the_length_and_resizing_changes_only_the_end():
    manager = UserFactory(role=Role.SERVICE_MANAGER)
    entry = ScheduleEntryFactory(starts_at=at(9), ends_at=at(10.5))
    moved = services.move_entry(entry, starts_at=at(14), by=manager)
    assert (moved.starts_at, moved.ends_at) == (at(14), at(15.5))
    resized = services.move_entry(moved, ends_at=at(17), by=manager)
    assert (resized.starts_at, resized.ends_at) == (at(14), at(17))


def test_an_inactive_person_cannot_be_booked():
    manager = UserFactory(role=Role.SERVICE_MANAGER)
    gone = UserFactory(is_active=False)
    with pytest.raises(ValidationError, match="no longer active"):
        services.create_entry(technician=gone, starts_at=at(9), ends_at=at(10), title="x", by=manager)


def test_booking_moving_and_removing_are_audited():
    manager = UserFactory(role=Role.SERVICE_MANAGER)
    tech = UserFactory()
    entry = services.create_entry(technician=tech, starts_at=at(9), ends_at=at(10), title="Rack install",
                                  by=manager)
    services.move_entry(entry, starts_at=at(13), by=manager)
    actions = [(e.action, e.actor) for e in history(entry)]
    assert actions == [("changed", manager), ("created", manager)]
    assert history(entry)[0].changes["starts_at"][1].startswith("2026-12-01T13:00")
    services.delete_entry(entry, by=manager)
    assert not ScheduleEntry.objects.exists()
    assert history(entry)[0].action == "deleted"
