"""Calendar arithmetic in one place: months, quarters and their spans in the installation's time zone.

Business days and hours (holidays, closures, weekly windows) belong to the calendar of `core.business_time`;
this module only knows the calendar everybody shares.
"""

import calendar
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    """The last day of the month `day` is in."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months (the 31st becomes the month's last day)."""
    return day + relativedelta(months=months)


def previous_month(day: date) -> date:
    """The first day of the month before `day`'s month."""
    return add_months(month_start(day), -1)


def next_month(day: date) -> date:
    return add_months(month_start(day), 1)


def last_month() -> date:
    """The first day of the last complete month in the installation's time zone."""
    return previous_month(timezone.localdate())


def months_ending(last: date, count: int) -> list[date]:
    """The `count` months ending with `last`'s month (first days), oldest first."""
    return [add_months(month_start(last), -n) for n in range(count - 1, -1, -1)]


def months_from(first: date, count: int) -> list[date]:
    """`count` months starting with `first`'s month (first days)."""
    return [add_months(month_start(first), n) for n in range(count)]


def week_start(day: date) -> date:
    """The Monday of `day`'s week (weeks run Monday to Sunday)."""
    return day - timedelta(days=day.weekday())


def week_span(monday: date) -> tuple[datetime, datetime]:
    """The week starting on `monday` as an aware [start, end) in the installation's time zone."""
    return day_span(monday, monday + timedelta(days=6))


def day_span(first: date, last: date) -> tuple[datetime, datetime]:
    """The days first..last as an aware [start, end) in the installation's time zone."""
    return (timezone.make_aware(datetime.combine(first, time.min)),
            timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min)))


def month_span(month: date) -> tuple[datetime, datetime]:
    """The month as an aware [start, end) in the installation's time zone."""
    return day_span(month_start(month), month_end(month))


def parse_month(text: str) -> date:
    """'2026-10' → date(2026, 10, 1); a clear error for anything else."""
    try:
        month = datetime.strptime(text.strip(), "%Y-%m").date()
    except (ValueError, AttributeError, TypeError):
        raise ValidationError(f"“{text}” is not a month; write it as YYYY-MM, e.g. 2026-10.") from None
    if not 2000 <= month.year <= 2100:
        raise ValidationError(f"{text} is out of range; pick a month between 2000 and 2100.")
    return month


def quarter_start(day: date) -> date:
    """The first day of the calendar quarter `day` is in."""
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def next_quarter(day: date) -> date:
    return add_months(quarter_start(day), 3)


def quarter_end(day: date) -> date:
    return next_quarter(day) - timedelta(days=1)


def quarters_ending(day: date, count: int) -> list[date]:
    """The first days of the `count` quarters ending with `day`'s quarter, oldest first."""
    return [add_months(quarter_start(day), -3 * n) for n in range(count - 1, -1, -1)]


def quarter_label(day: date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def in_force_q(first: date, last: date | None = None, prefix: str = "") -> Q:
    """Rows with a start_date and an optional end_date (agreements, subscriptions) in force on at least one day
    of first..last, or on the day `first` when `last` is None: started by then and not ended before."""
    last = first if last is None else last
    return Q(**{f"{prefix}start_date__lte": last}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": first}))
