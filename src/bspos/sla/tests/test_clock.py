"""The SLA clock of a plan's calendar: business minutes skip nights, weekends, public holidays of the calendar's
country and its own closure days; at-risk times come at the plan's share of each target."""

from datetime import UTC, date, datetime

import pytest

from bspos.sla.models import CalendarHoliday, Priority
from bspos.sla.services import business_clock, compute_clocks, targets_by_priority
from bspos.sla.tests.factories import BusinessCalendarFactory, SlaPlanFactory

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, month: int = 12, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)  # London is on UTC in winter


def test_business_minutes_skip_the_weekend():
    clock = business_clock(BusinessCalendarFactory())  # Monday-Friday 09:00-17:00, England
    assert clock.minutes_between(at(6, 16, month=11), at(9, 10, month=11)) == 120  # Friday 16:00 → Monday 10:00
    assert clock.add(at(6, 16, month=11), 120) == at(9, 10, month=11)


def test_business_minutes_skip_the_bank_holidays_of_the_calendars_country():
    clock = business_clock(BusinessCalendarFactory())
    # Christmas Day is a Friday in 2026 and Boxing Day a Saturday, so its bank holiday is Monday the 28th.
    assert clock.minutes_between(at(24, 16), at(29, 10)) == 120  # Thursday 16:00 → Tuesday 10:00
    assert clock.add(at(24, 16), 61) == at(29, 9, minute=1)
    anywhere = business_clock(BusinessCalendarFactory(holiday_country=""))  # no country: no bank holidays
    assert anywhere.minutes_between(at(24, 16), at(29, 10)) == 120 + 2 * 480


def test_a_closure_day_of_the_calendar_counts_as_closed():
    calendar = BusinessCalendarFactory()
    CalendarHoliday.objects.create(calendar=calendar, date=date(2026, 11, 10), name="Company day")
    clock = business_clock(calendar)
    assert clock.minutes_between(at(9, 9, month=11), at(11, 17, month=11)) == 2 * 480


def test_compute_clocks_warns_at_the_plans_share_and_a_pause_moves_only_resolution():
    plan = SlaPlanFactory(at_risk_percent=75)
    clock = business_clock(plan.calendar)
    target = targets_by_priority(plan)[Priority.MEDIUM]  # 2 h to respond, 16 business hours to resolve
    start = at(2, 10, month=11)
    clocks = compute_clocks(clock=clock, target=target, at_risk_percent=plan.at_risk_percent, started_at=start)
    assert clocks.first_response_warning_at == clock.add(start, 90) == at(2, 11, month=11, minute=30)
    assert clocks.first_response_due == at(2, 12, month=11)
    assert clocks.resolution_warning_at == clock.add(start, 720) == at(3, 14, month=11)
    assert clocks.resolution_due == at(4, 10, month=11)
    paused = compute_clocks(clock=clock, target=target, at_risk_percent=75, started_at=start, paused_minutes=60)
    assert paused.first_response_due == clocks.first_response_due
    assert paused.first_response_warning_at == clocks.first_response_warning_at
    assert paused.resolution_due == at(4, 11, month=11) and paused.resolution_warning_at == at(3, 15, month=11)


def test_a_ticket_opened_at_night_starts_counting_at_nine():
    plan = SlaPlanFactory()
    target = targets_by_priority(plan)[Priority.CRITICAL]  # 30 min to respond
    clocks = compute_clocks(clock=business_clock(plan.calendar), target=target, at_risk_percent=50,
                            started_at=at(1, 22))
    assert clocks.first_response_warning_at == at(2, 9, minute=15) and clocks.first_response_due == at(2, 9, minute=30)
