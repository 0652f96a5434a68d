"""The business-time clock that SLA due times are computed with (pure Python, no database)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bspos.core.business_time import BusinessClock

LONDON = ZoneInfo("Europe/London")
GB_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG")
US_HOLIDAYS = holidays.country_holidays("US", subdiv="NY")


def weekdays(start: int, end: int, days=range(5)) -> list[tuple[int, int, int]]:
    return [(day, start, end) for day in days]


CALENDARS = {
    "london office": BusinessClock("Europe/London", weekdays(9 * 60, 17 * 60 + 30), lambda d: d in GB_HOLIDAYS),
    "amsterdam 24x7": BusinessClock("Europe/Amsterdam", weekdays(0, 1440, range(7))),
    "new york mon-sat": BusinessClock("America/New_York", weekdays(7 * 60, 19 * 60, range(6)),
                                      lambda d: d in US_HOLIDAYS),
    "sydney office": BusinessClock("Australia/Sydney", weekdays(8 * 60, 18 * 60)),
    "lunch break": BusinessClock("Europe/London", weekdays(8 * 60, 12 * 60) + weekdays(13 * 60, 17 * 60)),
    "night shift": BusinessClock("America/New_York", weekdays(22 * 60, 1440) + weekdays(0, 6 * 60)),
}
TWENTY_FOUR_SEVEN = {
    "amsterdam": BusinessClock("Europe/Amsterdam", weekdays(0, 1440, range(7))),
    "new york": BusinessClock("America/New_York", weekdays(0, 1440, range(7))),
}

instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31),
                        timezones=st.sampled_from([UTC, LONDON, ZoneInfo("America/New_York")]))
minutes = st.floats(min_value=0, max_value=20000, allow_nan=False)
clocks = st.sampled_from(sorted(CALENDARS))


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


office = CALENDARS["london office"]


# --- examples ---------------------------------------------------------------------------------------------------

def test_friday_afternoon_ticket_is_due_on_monday_morning():
    assert office.add(london(2026, 11, 20, 17, 0), 60) == london(2026, 11, 23, 9, 30)


def test_ticket_opened_at_night_starts_counting_at_the_next_opening():
    assert office.add(london(2026, 11, 24, 23, 15), 30) == london(2026, 11, 25, 9, 30)
    assert office.next_business_moment(london(2026, 11, 24, 6, 0)) == london(2026, 11, 24, 9, 0)


def test_christmas_and_boxing_day_are_skipped():
    # 2026-12-25 is a Friday and Boxing Day is observed on Monday 28th in England.
    assert not office.is_business_time(london(2026, 12, 25, 10, 0))
    assert office.add(london(2026, 12, 24, 17, 0), 60) == london(2026, 12, 29, 9, 30)


def test_lunch_break_is_not_counted():
    lunch = CALENDARS["lunch break"]
    assert lunch.add(london(2026, 11, 24, 11, 30), 60) == london(2026, 11, 24, 13, 30)
    assert lunch.minutes_between(london(2026, 11, 24, 11, 0), london(2026, 11, 24, 14, 0)) == 120


def test_a_due_time_on_the_closing_minute_stays_on_that_day():
    assert office.add(london(2026, 11, 24, 17, 0), 30) == london(2026, 11, 24, 17, 30)


def test_zero_minutes_inside_business_time_is_now():
    assert office.add(london(2026, 11, 24, 10, 0), 0) == london(2026, 11, 24, 10, 0)


def test_night_shift_window_crosses_midnight():
    night = CALENDARS["night shift"]
    start = datetime(2026, 11, 24, 23, 0, tzinfo=ZoneInfo("America/New_York"))
    assert night.add(start, 120) == datetime(2026, 11, 25, 1, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.mark.parametrize("windows, message", [
    ([(0, 9 * 60, 17 * 60), (0, 16 * 60, 18 * 60)], "overlap"),
    ([(0, 9 * 60, 1441)], "0 <= start < end <= 1440"),
    ([(0, 600, 600)], "0 <= start < end <= 1440"),
    ([(7, 0, 60)], "Weekday 7"),
])
def test_bad_windows_are_refused_with_a_clear_message(windows, message):
    with pytest.raises(ValueError, match=message):
        BusinessClock("Europe/London", windows)


def test_naive_times_negative_minutes_and_empty_calendars_are_refused():
    with pytest.raises(ValueError, match="no time zone"):
        office.add(datetime(2026, 11, 24, 10, 0), 10)
    with pytest.raises(ValueError, match="negative"):
        office.add(london(2026, 11, 24, 10, 0), -1)
    with pytest.raises(ValueError, match="no working hours"):
        BusinessClock("Europe/London", []).add(london(2026, 11, 24, 10, 0), 10)


def test_a_calendar_closed_for_years_gives_up_with_an_error():
    always_closed = BusinessClock("Europe/London", weekdays(9 * 60, 17 * 60), lambda d: True)
    with pytest.raises(ValueError, match="too long"):
        always_closed.add(london(2026, 11, 24, 10, 0), 60)


# --- properties -------------------------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(name=clocks, start=instants, amount=minutes)
def test_due_is_never_before_the_start(name, start, amount):
    assert CALENDARS[name].add(start, amount) >= start


@settings(max_examples=300, deadline=None)
@given(name=clocks, start=instants, amount=minutes)
def test_business_minutes_round_trip_exactly(name, start, amount):
    clock = CALENDARS[name]
    assert clock.minutes_between(start, clock.add(start, amount)) == pytest.approx(amount, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(name=clocks, start=instants, first=minutes, second=minutes)
def test_adding_is_monotonic_and_additive(name, start, first, second):
    clock = CALENDARS[name]
    low, high = sorted([first, second])
    assert clock.add(start, low) <= clock.add(start, high)
    assert abs(clock.add(clock.add(start, first), second) - clock.add(start, first + second)) <= timedelta(
        microseconds=2)


@settings(max_examples=200, deadline=None)
@given(name=clocks, start=instants, amount=minutes)
def test_night_or_holiday_start_counts_from_the_next_business_minute(name, start, amount):
    clock = CALENDARS[name]
    opening = clock.next_business_moment(start)
    assert opening >= start
    assert clock.is_business_time(opening)
    assert clock.minutes_between(start, opening) == 0
    assert clock.add(start, amount) == clock.add(opening, amount)


WEEKDAY_HOLIDAYS = sorted(day for day in holidays.country_holidays("GB", subdiv="ENG", years=range(2024, 2029))
                          if day.weekday() < 5)


@pytest.mark.parametrize("day", WEEKDAY_HOLIDAYS, ids=str)
def test_public_holidays_on_weekdays_have_no_business_time(day):
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=LONDON)
    assert not office.is_business_time(noon)
    assert office.minutes_between(noon - timedelta(hours=12), noon + timedelta(hours=12)) == 0
    assert office.next_business_moment(noon).date() > day


DST_DAYS = [date(y, m, d) for y, m, d in [(2025, 3, 30), (2025, 10, 26), (2026, 3, 29), (2026, 10, 25),
                                            (2027, 3, 28), (2027, 10, 31), (2025, 3, 9), (2025, 11, 2),
                                            (2026, 3, 8), (2026, 11, 1), (2027, 3, 14), (2027, 11, 7)]]


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(TWENTY_FOUR_SEVEN)), day=st.sampled_from(DST_DAYS),
       offset=st.integers(min_value=-36 * 60, max_value=36 * 60), amount=st.integers(min_value=0, max_value=3 * 1440))
def test_daylight_saving_changes_keep_business_minutes_exact(name, day, offset, amount):
    clock = TWENTY_FOUR_SEVEN[name]
    start = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=offset)
    assert clock.add(start, amount) == start + timedelta(minutes=amount)
    assert clock.minutes_between(start, start + timedelta(minutes=amount)) == amount


def test_a_fall_back_day_has_twenty_five_business_hours_on_a_24x7_calendar():
    clock = TWENTY_FOUR_SEVEN["amsterdam"]
    zone = ZoneInfo("Europe/Amsterdam")
    day_start, next_day = datetime(2026, 10, 25, tzinfo=zone), datetime(2026, 10, 26, tzinfo=zone)
    assert clock.minutes_between(day_start, next_day) == 25 * 60


@settings(max_examples=300, deadline=None)
@given(name=clocks, start=instants, target=st.integers(min_value=1, max_value=5000),
       pause_offset=st.integers(min_value=0, max_value=20000), pause_length=st.integers(min_value=0, max_value=20000))
def test_a_pause_never_brings_a_due_time_earlier(name, start, target, pause_offset, pause_length):
    clock = CALENDARS[name]
    paused_at = start + timedelta(minutes=pause_offset)
    resumed_at = paused_at + timedelta(minutes=pause_length)
    due = clock.add(start, target)
    due_after_pause = clock.add(start, target + clock.minutes_between(paused_at, resumed_at))
    assert due_after_pause >= due
