"""Planned against logged hours per technician and week."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from bspos.people.tests.factories import UserFactory
from bspos.schedule.selectors import planned_and_logged, week_start
from bspos.schedule.tests.factories import ScheduleEntryFactory
from bspos.servicedesk.tests.factories import TimeEntryFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 30)


def local(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hour))


def test_week_start_is_the_monday():
    assert {week_start(MONDAY + timedelta(days=n)) for n in range(7)} == {MONDAY}


def test_planned_counts_the_weeks_part_of_each_entry_and_logged_the_desks_time_entries():
    tech, other = UserFactory(), UserFactory()
    ScheduleEntryFactory(technician=tech, starts_at=local(MONDAY, 9), ends_at=local(MONDAY, 12))  # 3 h
    ScheduleEntryFactory(technician=tech, starts_at=local(MONDAY + timedelta(days=3), 13),
                         ends_at=local(MONDAY + timedelta(days=3), 14, ) + timedelta(minutes=30))  # 1.5 h
    # Sunday 22:00 to Monday 02:00 of the next week: 2 h in this week
    ScheduleEntryFactory(technician=tech, starts_at=local(MONDAY + timedelta(days=6), 22),
                         ends_at=local(MONDAY + timedelta(days=7), 2))
    ScheduleEntryFactory(technician=tech, starts_at=local(MONDAY - timedelta(days=2), 9),
                         ends_at=local(MONDAY - timedelta(days=2), 17))  # the week before
    ScheduleEntryFactory(technician=other, starts_at=local(MONDAY, 9), ends_at=local(MONDAY, 17))
    TimeEntryFactory(technician=tech, started_at=local(MONDAY, 10), minutes=90)
    TimeEntryFactory(technician=tech, started_at=local(MONDAY + timedelta(days=4), 10), minutes=45)
    TimeEntryFactory(technician=tech, started_at=local(MONDAY + timedelta(days=7), 10), minutes=600)  # next week
    TimeEntryFactory(technician=other, started_at=local(MONDAY, 10), minutes=30)
    mine, theirs = planned_and_logged([tech, other], MONDAY)
    assert (mine.planned_minutes, mine.logged_minutes) == (3 * 60 + 90 + 120, 135)
    assert (theirs.planned_minutes, theirs.logged_minutes) == (480, 30)
    assert mine.capacity_minutes == 40 * 60 and mine.unplanned_minutes == 40 * 60 - 390


def test_a_week_with_nothing_planned_or_logged_reads_zero():
    (hours,) = planned_and_logged([UserFactory()], MONDAY)
    assert (hours.planned_minutes, hours.logged_minutes) == (0, 0)


def test_the_hours_page_lists_everyone_on_the_board_for_the_week(client):
    client.force_login(UserFactory(role="manager"))
    ada = UserFactory(first_name="Ada")
    ScheduleEntryFactory(technician=ada, starts_at=local(MONDAY, 9), ends_at=local(MONDAY, 15))
    TimeEntryFactory(technician=ada, started_at=local(MONDAY, 10), minutes=240)
    html = client.get("/schedule/hours/", {"week": "2026-12-02"}).content.decode()
    row = html.split(">Ada</a>")[1].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in row.split('class="num">')[1:]] == ["6 h", "4 h", "40 h", "34 h"]
