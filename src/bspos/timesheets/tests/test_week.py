"""My week: every entry by day, totals against the person's business hours and utilisation, time added and
corrected inline, bad input refused with what was typed kept; whose week one may open."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bspos.clients.tests.factories import ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk import services as desk
from bspos.servicedesk.models import TimeEntry
from bspos.timesheets import selectors
from bspos.timesheets.forms import parse_duration
from bspos.timesheets.tests.conftest import WEEK, at


def test_the_week_totals_each_day_against_business_hours_and_utilisation(tech, logged):
    week = selectors.week_of(tech, WEEK)
    assert [d.minutes for d in week.days] == [120, 60, 0, 0, 0, 0, 0]
    assert [d.target for d in week.days] == [480] * 5 + [0, 0]  # no calendar yet: Mon–Fri 09–17
    assert week.minutes == 180 and week.billable == 120 and week.target == 2400
    assert week.utilisation == 5  # 120 ticket minutes of 2,400 business minutes
    assert week.days[0].shortfall == 360 and [e.pk for e in week.days[1].entries] == [logged[1].pk]
    assert week.status == "open" and week.can_submit


def test_part_time_hours_scale_the_days_business_hours(tech, logged):
    tech.weekly_hours = 20
    tech.save()
    assert selectors.week_of(tech, WEEK).days[0].target == 240


def test_the_page_shows_entries_by_day_with_their_category_and_totals(client, tech, logged):
    client.force_login(tech)
    page = client.get(f"/time/?week={WEEK + timedelta(days=3)}").content.decode()  # any day names its week
    assert "Monday 2 Nov" in page and "Printer jams" in page and "Internal meeting" in page
    assert "3:00" in page and "of 40:00 business hours" in page and "6:00 short" in page
    assert "Submit the week for approval" in page


def test_adding_time_on_a_ticket_and_internal_time_inline(client, tech, ticket):
    client.force_login(tech)
    response = client.post("/time/entries/new/", {"week": str(WEEK), "technician": tech.pk, "day": str(WEEK),
                                                 "start": "13:30", "duration": "1:15", "ticket": ticket.number,
                                                 "billable": "on", "notes": "Replaced the fuser"})
    assert response.status_code == 302
    client.post("/time/entries/new/", {"week": str(WEEK), "day": str(WEEK), "start": "08:00", "duration": "1.5h",
                                      "category": "travel", "billable": "on"})
    on_ticket, travel = TimeEntry.objects.order_by("started_at").reverse()
    assert (on_ticket.minutes, on_ticket.ticket, on_ticket.billable, on_ticket.started_at) == (
        75, ticket, True, at(WEEK, 13, 30))
    assert (travel.minutes, travel.internal_category, travel.billable) == (90, "travel", False)  # never billed


def test_bad_input_is_refused_with_what_was_typed_kept(client, tech, ticket):
    client.force_login(tech)
    response = client.post("/time/entries/new/", {"week": str(WEEK), "day": str(WEEK), "start": "09:00",
                                                 "duration": "lots", "ticket": "999999", "notes": "My long note"})
    page = response.content.decode()
    assert response.status_code == 400 and "Write the time as minutes" in page and "no ticket #999999" in page
    assert "My long note" in page and not TimeEntry.objects.exists()
    response = client.post("/time/entries/new/", {"week": str(WEEK), "day": str(WEEK), "start": "09:00",
                                                 "duration": "30"})
    assert "Give the ticket number, or choose an internal category." in response.content.decode()


@pytest.mark.parametrize(("text", "minutes"), [("90", 90), ("90m", 90), ("1:30", 90), ("1h30", 90), ("1.5h", 90),
                                               ("2h", 120), ("0:05", 5)])
def test_durations_are_read_as_people_write_them(text, minutes):
    assert parse_duration(text) == minutes


def test_correcting_an_entry_inline(client, tech, logged):
    client.force_login(tech)
    row = client.get(f"/time/entries/{logged[0].pk}/", headers={"HX-Request": "true", "HX-Target": "entry-1"})
    assert row.content.decode().startswith(f'<tr id="entry-{logged[0].pk}"')
    response = client.post(f"/time/entries/{logged[0].pk}/", {"day": str(WEEK + timedelta(days=2)), "start": "14:00",
                                                             "duration": "45", "billable": "", "notes": "Fuser"},
                           headers={"HX-Request": "true"})
    assert response.headers["HX-Location"] == f"/time/?week={WEEK}"
    entry = TimeEntry.objects.get(pk=logged[0].pk)
    assert (entry.minutes, entry.billable, entry.notes, entry.started_at) == (45, False, "Fuser",
                                                                             at(WEEK + timedelta(days=2), 14))


def test_a_technician_opens_only_their_own_week_and_a_contact_none(client, tech, manager, logged):
    other = UserFactory(username="otto", role=Role.TECHNICIAN)
    client.force_login(other)
    assert client.get(f"/time/?technician={tech.pk}").status_code == 403
    assert client.post(f"/time/entries/{logged[0].pk}/delete/").status_code == 403
    client.force_login(manager)
    assert "Tess's week" in client.get(f"/time/?technician={tech.pk}&week={WEEK}").content.decode()
    contact = ContactFactory(user=UserFactory(username="alice", role=Role.CLIENT_CONTACT))
    client.force_login(contact.user)
    assert client.get("/time/").status_code == 404


def test_the_week_page_costs_the_same_queries_for_a_busy_week(client, tech, ticket, logged):
    client.force_login(tech)
    url = f"/time/?week={WEEK}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for day in range(5):
        for hour in range(9, 15):
            desk.log_time(technician=tech, ticket=ticket, minutes=50, started_at=at(WEEK + timedelta(days=day), hour))
    with CaptureQueriesContext(connection) as many:
        assert "Printer jams" in client.get(url).content.decode()
    assert len(many) == len(few)


def test_a_running_timer_shows_in_the_top_bar_until_it_is_stopped(client, tech, ticket):
    client.force_login(tech)
    assert "⏱" not in client.get("/time/").content.decode()
    client.post(f"/desk/tickets/{ticket.number}/timer/")
    assert f"⏱ #{ticket.number} since" in client.get("/time/").content.decode()
    client.post(f"/desk/tickets/{ticket.number}/timer/")
    assert "⏱" not in client.get("/time/").content.decode()
    assert TimeEntry.objects.get().ticket == ticket


def test_removing_an_entry_from_its_row(client, tech, logged):
    client.force_login(tech)
    page = client.get(f"/time/?week={WEEK}").content.decode()
    assert f'hx-post="/time/entries/{logged[0].pk}/delete/"' in page and "hx-confirm" in page
    response = client.post(f"/time/entries/{logged[0].pk}/delete/", headers={"HX-Request": "true"})
    assert response.headers["HX-Location"] == f"/time/?week={WEEK}"
    assert list(TimeEntry.objects.values_list("pk", flat=True)) == [logged[1].pk]
