"""The SLA clock: due times in business minutes of a plan's calendar (holidays from python-holidays); the writes
of SLA plans, their targets and escalation rules."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from math import ceil

import holidays
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from bspos.audit.services import audited, delete_audited, record
from bspos.core.business_time import MAX_DAYS, BusinessClock
from bspos.core.dates import month_start, next_month
from bspos.people.models import User
from bspos.sla.models import BusinessCalendar, EscalationRule, SlaPlan, SlaTarget


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


def threshold_minutes(target_minutes: int, percent: int) -> int:
    """Business minutes after which `percent` of a target is used (whole minutes, rounded up)."""
    return ceil(target_minutes * percent / 100)


def percent_used(*, clock: BusinessClock, started_at: datetime, now: datetime, target_minutes: int,
                 paused_minutes: float = 0) -> float:
    """Elapsed business minutes (less paused ones) over the target, in percent."""
    return (clock.minutes_between(started_at, now) - paused_minutes) * 100 / target_minutes


def compute_clocks(*, clock: BusinessClock, target: SlaTarget, at_risk_percent: int, started_at: datetime,
                   paused_minutes: float = 0) -> Clocks:
    """Due and at-risk times from the start; paused business minutes push only the resolution clock."""
    # at risk once 75% of the target is used (plan default)
    return Clocks(
        first_response_due=clock.add(started_at, target.first_response_minutes),
        first_response_warning_at=clock.add(started_at,
                                            threshold_minutes(target.first_response_minutes, at_risk_percent)),
        resolution_due=clock.add(started_at, target.resolution_minutes + paused_minutes),
        resolution_warning_at=clock.add(started_at, threshold_minutes(target.resolution_minutes, at_risk_percent)
                                        + paused_minutes),
    )


def add_business_days(clock: BusinessClock, moment: datetime, days: int) -> datetime:
    """The same local time `days` business days later; a business day is a local date with working hours that is
    not a holiday (waiting-on-client reminders count in these)."""
    local = moment.astimezone(clock.zone)
    day, counted = local.date(), 0
    for _ in range(MAX_DAYS):
        if counted == days:
            return datetime.combine(day, local.timetz().replace(tzinfo=None), clock.zone)
        day += timedelta(days=1)
        if clock.intervals(day):
            counted += 1
    raise ValueError(f"No {days} business days within {MAX_DAYS} days: the calendar has no working days.")


# --- writes ---------------------------------------------------------------------------------------------------

PLAN_FIELDS = {"name", "calendar", "at_risk_percent", "remind_after_days", "resolve_after_days"}
RULE_FIELDS = {"target", "percent", "notify_assignee", "notify_managers", "notify_user", "reassign_to",
               "raise_priority"}


def _set_fields(instance, fields: dict, allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"These cannot be set here: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()


def _replace_targets(plan: SlaPlan, targets: list[dict], by: User | None) -> None:
    priorities = [target["priority"] for target in targets]
    if len(priorities) != len(set(priorities)):
        raise ValidationError({"targets": "Give each priority at most one target."})
    for old in plan.targets.all():
        delete_audited(old, by)
    for values in targets:
        target = SlaTarget(plan=plan, **values)
        target.full_clean()
        target.save()
        record(by, target, None)


@transaction.atomic
def create_plan(*, by: User | None = None, targets: list[dict] | None = None, **fields) -> SlaPlan:
    """A new SLA plan with its per-priority targets (dicts of priority, first_response_minutes,
    resolution_minutes)."""
    plan = SlaPlan()
    _set_fields(plan, fields, PLAN_FIELDS)
    record(by, plan, None)
    _replace_targets(plan, targets or [], by)
    return plan


@transaction.atomic
def update_plan(plan: SlaPlan, *, by: User | None = None, targets: list[dict] | None = None, **fields) -> SlaPlan:
    """Change a plan's name, calendar, at-risk share or waiting-on-client days; `targets`, if given, replace
    them all. Tickets keep the clocks they have until their priority or agreement changes."""
    with audited(plan, by):
        _set_fields(plan, fields, PLAN_FIELDS)
    if targets is not None:
        _replace_targets(plan, targets, by)
    return plan


@transaction.atomic
def delete_plan(plan: SlaPlan, *, by: User | None = None) -> None:
    """Delete a plan no agreement uses (ProtectedError otherwise); its targets and rules go with it, its tickets keep
    their clocks."""
    delete_audited(plan, by)


@transaction.atomic
def create_rule(*, plan: SlaPlan, by: User | None = None, **fields) -> EscalationRule:
    """Add an escalation rule to a plan; one per target and percent."""
    rule = EscalationRule(plan=plan)
    _validate_unique_rule(rule, fields)
    _set_fields(rule, fields, RULE_FIELDS)
    record(by, rule, None)
    return rule


@transaction.atomic
def update_rule(rule: EscalationRule, *, by: User | None = None, **fields) -> EscalationRule:
    """Change an escalation rule; a rule that already fired on a ticket does not fire there again."""
    _validate_unique_rule(rule, fields)
    with audited(rule, by):
        _set_fields(rule, fields, RULE_FIELDS)
    return rule


def _validate_unique_rule(rule: EscalationRule, fields: dict) -> None:
    target, percent = fields.get("target", rule.target), fields.get("percent", rule.percent)
    clash = EscalationRule.objects.filter(plan=rule.plan_id, target=target, percent=percent).exclude(pk=rule.pk)
    if clash.exists():
        raise ValidationError({"percent": f"This plan already has a rule at {percent}% of that target."})


@transaction.atomic
def delete_rule(rule: EscalationRule, *, by: User | None = None) -> None:
    delete_audited(rule, by)


# --- working time: what utilisation and founder hours are measured against ----------------------------------------

OFFICE_HOURS = [(weekday, 9 * 60, 17 * 60) for weekday in range(5)]  # with no calendar set up: Mon–Fri 09–17


@dataclass(frozen=True)
class WorkingTime:
    """The MSP's working calendar as a clock, and the working minutes of its week."""

    clock: BusinessClock
    weekly_minutes: int

    def month_minutes(self, month: date) -> float:
        """Business minutes of the calendar in the month (its holidays and closure days out)."""
        start = datetime.combine(month_start(month), time.min, self.clock.zone)
        end = datetime.combine(next_month(month), time.min, self.clock.zone)
        return self.clock.minutes_between(start, end)

    def weeks(self, month: date) -> Decimal:
        """The month's working weeks: its business minutes ÷ the minutes of a full working week."""
        return Decimal(self.month_minutes(month)) / self.weekly_minutes if self.weekly_minutes else Decimal(0)

    def available_minutes(self, month: date, weekly_hours: Decimal) -> Decimal:
        """A person's available minutes in the month: its working weeks at their contracted weekly hours."""
        return self.weeks(month) * Decimal(weekly_hours or 0) * 60

    def day_minutes(self, day: date, weekly_hours: Decimal) -> Decimal:
        """A person's business minutes on one day: the calendar's minutes that day (0 on holidays and closures),
        scaled from the calendar's week to their contracted weekly hours."""
        if not self.weekly_minutes:
            return Decimal(0)
        calendar = sum((end - start).total_seconds() for start, end in self.clock.intervals(day)) / 60
        return Decimal(calendar) * Decimal(weekly_hours or 0) * 60 / self.weekly_minutes


def working_time() -> WorkingTime:
    """Which calendar a technician works by. People carry no calendar of their own, so everyone works by the MSP's
    calendar: the business calendar most SLA plans count in (ties: the one created first), its public holidays
    and closure days out. An installation with no calendar yet counts Monday–Friday 09:00–17:00 in its own time
    zone, without holidays."""
    calendar = (BusinessCalendar.objects.annotate(plans=Count("sla_plans")).order_by("-plans", "pk")
                .prefetch_related("working_hours", "extra_holidays").first())
    if calendar is None:
        return WorkingTime(BusinessClock(str(timezone.get_default_timezone()), OFFICE_HOURS),
                           sum(end - start for _day, start, end in OFFICE_HOURS))
    weekly = sum((h.ends.hour * 60 + h.ends.minute if h.ends else 1440) - (h.starts.hour * 60 + h.starts.minute)
                 for h in calendar.working_hours.all())
    return WorkingTime(business_clock(calendar), weekly)
