"""The SLA clock: due times in business minutes of a plan's calendar (holidays from python-holidays)."""

from dataclasses import dataclass
from datetime import datetime, time
from math import ceil

import holidays

from bspos.core.business_time import BusinessClock
from bspos.sla.models import BusinessCalendar, SlaPlan, SlaTarget


def _minute_of_day(value: time | None, *, end: bool = False) -> int:
    if value is None:
        return 1440 if end else 0
    return value.hour * 60 + value.minute


def business_clock(calendar: BusinessCalendar) -> BusinessClock:
    """The calendar's working windows, public holidays of its country and its own closure days, as one clock."""
    windows = [(h.weekday, _minute_of_day(h.starts), _minute_of_day(h.ends, end=True))
               for h in calendar.working_hours.all()]
    public = (holidays.country_holidays(calendar.holiday_country, subdiv=calendar.holiday_subdivision or None)
              if calendar.holiday_country else {})
    closures = set(calendar.extra_holidays.values_list("date", flat=True))
    return BusinessClock(calendar.time_zone, windows, lambda day: day in closures or day in public)


@dataclass(frozen=True)
class Clocks:
    first_response_due: datetime
    first_response_warning_at: datetime
    resolution_due: datetime
    resolution_warning_at: datetime


def targets_by_priority(plan: SlaPlan) -> dict[int, SlaTarget]:
    return {target.priority: target for target in plan.targets.all()}


def compute_clocks(*, clock: BusinessClock, target: SlaTarget, at_risk_percent: int, started_at: datetime,
                   paused_minutes: float = 0) -> Clocks:
    """Due and at-risk times from the start; paused business minutes push only the resolution clock."""
    share = at_risk_percent / 100  # at risk once 75% of the target is used (plan default)
    return Clocks(
        first_response_due=clock.add(started_at, target.first_response_minutes),
        first_response_warning_at=clock.add(started_at, ceil(target.first_response_minutes * share)),
        resolution_due=clock.add(started_at, target.resolution_minutes + paused_minutes),
        resolution_warning_at=clock.add(started_at, ceil(target.resolution_minutes * share) + paused_minutes),
    )
