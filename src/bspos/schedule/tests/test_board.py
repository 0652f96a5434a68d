"""The dispatch board: entries by technician and day, conflicts shown, drag to move or resize, constant queries."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bspos.clients.tests.factories import ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.schedule.models import ScheduleEntry
from bspos.schedule.tests.factories import ScheduleEntryFactory
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 30)


def local(day: date, hour: float) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hour))


def signed_in(client, role=Role.SERVICE_MANAGER, **fields):
    user = UserFactory(role=role, **fields)
    client.force_login(user)
    return user


def test_the_week_board_shows_each_technicians_entries_on_their_day_with_conflicts(client):
    signed_in(client)
    ada = UserFactory(first_name="Ada", last_name="Lovelace")
    UserFactory(first_name="Bob", last_name="Idle")
    ticket = TicketFactory(subject="Server room flooded")
    ScheduleEntryFactory(technician=ada, ticket=ticket, title="", starts_at=local(MONDAY + timedelta(days=2), 9),
                         ends_at=local(MONDAY + timedelta(days=2), 11))
    ScheduleEntryFactory(technician=ada, title="Vendor call", starts_at=local(MONDAY + timedelta(days=2), 10),
                         ends_at=local(MONDAY + timedelta(days=2), 10.5))
    page = client.get("/schedule/", {"day": "2026-12-02"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ada Lovelace" in html and "Bob Idle" in html  # every technician has a row, booked or not
    assert html.count('class="entry remote conflict"') == 2
    assert "Server room flooded" in html and "planned 2.5 h" in html
    wednesday = html.split(f'data-technician="{ada.pk}" data-day="2026-12-02"')[1].split("</td>")[0]
    assert "Server room flooded" in wednesday and "Vendor call" in wednesday


def test_the_day_board_places_entries_by_half_hour_and_stacks_conflicts_in_lanes(client):
    signed_in(client)
    ada = UserFactory(first_name="Ada")
    ScheduleEntryFactory(technician=ada, title="Backup check", starts_at=local(MONDAY, 9),
                         ends_at=local(MONDAY, 10.5))
    ScheduleEntryFactory(technician=ada, title="Overlap", starts_at=local(MONDAY, 10), ends_at=local(MONDAY, 11))
    html = client.get("/schedule/", {"view": "day", "day": "2026-11-30"}).content.decode()
    # the day starts at 07:00: 09:00 is the fifth half hour, 90 minutes three columns; the overlap in lane 2
    assert 'class="entry remote conflict c5 s3 l1"' in html
    assert 'class="entry remote conflict c7 s2 l2"' in html
    assert 'class="lanes n2"' in html


def test_a_dispatcher_drags_an_entry_to_another_technician_and_day(client):
    manager = signed_in(client)
    ada, bob = UserFactory(first_name="Ada"), UserFactory(first_name="Bob")
    entry = ScheduleEntryFactory(technician=ada, title="Firewall swap", starts_at=local(MONDAY, 9.5),
                                 ends_at=local(MONDAY, 11))
    answer = client.post(f"/schedule/entries/{entry.pk}/move/?view=week&day=2026-11-30",
                         {"technician": bob.pk, "day": "2026-12-03"}, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    entry.refresh_from_db()
    assert entry.technician == bob
    assert (entry.starts_at, entry.ends_at) == (local(MONDAY + timedelta(days=3), 9.5),
                                                local(MONDAY + timedelta(days=3), 11))
    html = answer.content.decode()
    assert html.startswith("\n<div id=\"board\"") or '<div id="board"' in html[:200]
    assert "Firewall swap: Bob" in html
    assert entry.technician != manager


def test_on_the_day_board_a_drop_sets_the_start_and_the_grip_the_end(client):
    signed_in(client)
    entry = ScheduleEntryFactory(starts_at=local(MONDAY, 9), ends_at=local(MONDAY, 10))
    url = f"/schedule/entries/{entry.pk}/move/?view=day&day=2026-11-30"
    client.post(url, {"technician": entry.technician_id, "start": "2026-11-30T13:30"})
    entry.refresh_from_db()
    assert (entry.starts_at, entry.ends_at) == (local(MONDAY, 13.5), local(MONDAY, 14.5))
    client.post(url, {"end": "2026-11-30T16:00"})
    entry.refresh_from_db()
    assert (entry.starts_at, entry.ends_at) == (local(MONDAY, 13.5), local(MONDAY, 16))


def test_a_move_into_a_booked_slot_is_done_and_says_conflict(client):
    signed_in(client)
    ada, bob = UserFactory(first_name="Ada"), UserFactory(first_name="Bob")
    ScheduleEntryFactory(technician=bob, title="Patch window", starts_at=local(MONDAY, 9), ends_at=local(MONDAY, 12))
    entry = ScheduleEntryFactory(technician=ada, title="Printer", starts_at=local(MONDAY, 10),
                                 ends_at=local(MONDAY, 11))
    html = client.post(f"/schedule/entries/{entry.pk}/move/?day=2026-11-30",
                       {"technician": bob.pk, "day": "2026-11-30"}).content.decode()
    assert "Conflict: Bob" in html and "Patch window" in html


def test_a_technician_cannot_drag_a_colleagues_entry_and_nothing_changes(client):
    tech = signed_in(client, role=Role.TECHNICIAN)
    colleague = UserFactory()
    entry = ScheduleEntryFactory(technician=colleague)
    answer = client.post(f"/schedule/entries/{entry.pk}/move/", {"technician": tech.pk, "day": "2026-12-02"})
    assert answer.status_code == 403
    assert "Only the owner and the service manager schedule other people" in answer.content.decode()
    entry.refresh_from_db()
    assert entry.technician == colleague and entry.starts_at.day == 1
    board = client.get("/schedule/", {"day": "2026-12-01"}).content.decode()
    assert 'draggable="false"' in board and 'data-move-url' not in board


def test_a_bad_drop_is_refused_with_a_message(client):
    signed_in(client)
    entry = ScheduleEntryFactory()
    answer = client.post(f"/schedule/entries/{entry.pk}/move/", {"start": "2026-13-45T99:00"})
    assert answer.status_code == 422 and "not a date and time" in answer.content.decode()
    answer = client.post(f"/schedule/entries/{entry.pk}/move/", {"end": "2026-12-01T08:00"})
    assert answer.status_code == 422 and "The end must be after the start." in answer.content.decode()


def test_booking_from_the_board_and_a_refused_form_keeps_what_was_typed(client):
    manager = signed_in(client)
    ticket = TicketFactory()
    refused = client.post("/schedule/entries/new/", {"technician": manager.pk, "starts_at": "2026-12-01T10:00",
                                                     "ends_at": "2026-12-01T09:00", "title": "Quarterly visit",
                                                     "location": "remote"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "The end must be after the start." in html and 'value="Quarterly visit"' in html
    assert not ScheduleEntry.objects.exists()
    done = client.post("/schedule/entries/new/", {"technician": manager.pk, "starts_at": "2026-12-01T10:00",
                                                  "ends_at": "2026-12-01T11:00", "ticket": ticket.number,
                                                  "location": "remote"})
    assert done.status_code == 302
    assert ScheduleEntry.objects.get().ticket == ticket
    unknown = client.post("/schedule/entries/new/", {"technician": manager.pk, "starts_at": "2026-12-01T10:00",
                                                     "ends_at": "2026-12-01T11:00", "ticket": 999999,
                                                     "location": "remote"})
    assert unknown.status_code == 400 and "No ticket #999999." in unknown.content.decode()


def test_the_board_shows_days_in_the_viewers_time_zone(client):
    signed_in(client, time_zone="Pacific/Auckland")
    tech = UserFactory(first_name="Kiri")
    # Monday 20:00 UTC is Tuesday 09:00 in Auckland (UTC+13 in December)
    ScheduleEntryFactory(technician=tech, title="Early visit", starts_at=datetime(2026, 11, 30, 20, 0, tzinfo=UTC),
                         ends_at=datetime(2026, 11, 30, 21, 0, tzinfo=UTC))
    html = client.get("/schedule/", {"day": "2026-12-01"}).content.decode()
    tuesday = html.split(f'data-technician="{tech.pk}" data-day="2026-12-01"')[1].split("</td>")[0]
    assert "Early visit" in tuesday and "09:00–10:00" in tuesday


def test_a_client_contact_meets_404_and_finance_reads_without_dragging(client):
    contact = ContactFactory(user=UserFactory(role=Role.CLIENT_CONTACT))
    entry = ScheduleEntryFactory()
    client.force_login(contact.user)
    for url in ("/schedule/", f"/schedule/entries/{entry.pk}/", "/schedule/feed/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/schedule/entries/{entry.pk}/move/", {"day": "2026-12-02"}).status_code == 404
    signed_in(client, role=Role.FINANCE)
    board = client.get("/schedule/", {"day": "2026-12-01"}).content.decode()
    assert "Team training" in board and "data-move-url" not in board and "Book time" not in board


def board_queries(client, technicians: int) -> int:
    for n in range(technicians):
        tech = UserFactory(first_name=f"T{n:03d}")
        for day in range(5):
            ScheduleEntryFactory(technician=tech, ticket=TicketFactory() if day == 0 else None,
                                 starts_at=local(MONDAY + timedelta(days=day), 9),
                                 ends_at=local(MONDAY + timedelta(days=day), 12))
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/schedule/", {"day": "2026-12-01"}).status_code == 200
    return len(captured)


def test_the_board_makes_the_same_number_of_queries_for_2_and_6_technicians(client):
    signed_in(client)
    few = board_queries(client, 2)
    many = board_queries(client, 4)
    assert few == many
