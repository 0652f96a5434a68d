"""Utilisation is ticket time ÷ available time, and available time is the business hours of the MSP's calendar
(public holidays and closure days out) at the technician's weekly hours, not a count of weekdays."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from bspos.people.tests.factories import RateFactory, UserFactory
from bspos.scorecard import services
from bspos.servicedesk.tests.factories import TicketFactory, TimeEntryFactory
from bspos.sla.models import CalendarHoliday
from bspos.sla.tests.factories import BusinessCalendarFactory, SlaPlanFactory

pytestmark = pytest.mark.django_db
AUGUST = date(2026, 8, 1)  # 21 weekdays; Monday 31 August is the summer bank holiday in England


def log(technician, hours: int) -> None:
    ticket = TicketFactory(created_at=datetime(2026, 8, 3, 8, 0, tzinfo=UTC))
    for day in range(hours // 8):
        TimeEntryFactory(technician=technician, ticket=ticket, minutes=480,
                         started_at=datetime(2026, 8, 3, 9, 0, tzinfo=UTC) + timedelta(days=day))


def utilisation(technician) -> Decimal | None:
    rows = services.utilisation_per_person([AUGUST])
    return next(row["values"][0] for row in rows if row["name"] == str(technician))


def test_a_bank_holiday_of_the_calendar_is_not_available_time():
    SlaPlanFactory()  # Monday–Friday 09:00–17:00, England's public holidays
    full_time = RateFactory(user=UserFactory(weekly_hours=Decimal("40"))).user
    log(full_time, 96)
    # 21 weekdays less the bank holiday = 20 days × 8 h = 160 h available; 96 h ÷ 160 h = 60.0%
    # (counting weekdays would give 96 ÷ 168 = 57.1%).
    assert utilisation(full_time) == Decimal("60.0")


def test_a_part_timer_is_measured_at_their_weekly_hours_and_closure_days_are_out():
    plan = SlaPlanFactory()
    CalendarHoliday.objects.create(calendar=plan.calendar, date=date(2026, 8, 14), name="Company day")
    part_time = RateFactory(user=UserFactory(weekly_hours=Decimal("20"))).user
    log(part_time, 48)
    # 19 working days × 8 h = 152 h of the 40-hour calendar; at 20 of 40 hours a week: 76 h; 48 ÷ 76 = 63.2%.
    assert utilisation(part_time) == Decimal("63.2")


def test_the_calendar_most_sla_plans_use_is_the_msps_and_without_one_office_hours_count():
    assert services.working_time().month_minutes(AUGUST) == 21 * 8 * 60  # no calendar: weekdays 09–17
    scotland = BusinessCalendarFactory(holiday_subdivision="SCT")  # 3 Aug is Scotland's summer holiday
    office = SlaPlanFactory().calendar
    SlaPlanFactory(calendar=office)
    SlaPlanFactory(calendar=scotland)
    assert services.working_time().month_minutes(AUGUST) == 20 * 8 * 60  # England's: 31 Aug out
    assert services.working_time().weeks(AUGUST) == Decimal(4)
