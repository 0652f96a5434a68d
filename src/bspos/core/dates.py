"""Calendar arithmetic in one place: months, quarters (calendar and a client's fiscal ones) and their spans in
the installation's time zone.

Business days and hours (holidays, closures, weekly windows) belong to the calendar of `core.business_time`;
this module only knows the calendar everybody shares.
"""

import calendar
from dataclasses import dataclass
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


def latest_start_ending_by(day: date, months: int) -> date:
    """The last day `d` with `add_months(d, months) <= day`: what lasts `months` months from `d` has ended by `day`.
    A month's last day takes the clamped days with it (31 Aug + 6 months is 28 Feb, as is 28 Aug + 6 months)."""
    start = add_months(day, -months)
    return month_end(start) if day == month_end(day) else start


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


@dataclass(frozen=True)
class FiscalQuarter:
    """A quarter of a client's fiscal year. The fiscal year is named for the calendar year it ends in (a year
    starting in July 2026 is FY2027); with a January start it is the calendar year."""

    first: date
    year: int
    number: int  # 1-4
    start_month: int = 1  # the month the client's fiscal year starts in

    @property
    def last(self) -> date:
        return add_months(self.first, 3) - timedelta(days=1)

    @property
    def label(self) -> str:
        return f"FY{self.year} Q{self.number}"

    @property
    def span(self) -> str:
        """The calendar dates it covers, e.g. "1 Jul – 30 Sep 2026"."""
        first, last = self.first, self.last
        return (f"{first.day} {first:%b} – {last.day} {last:%b} {last.year}" if first.year == last.year
                else f"{first.day} {first:%b} {first.year} – {last.day} {last:%b} {last.year}")

    def next(self) -> "FiscalQuarter":
        return fiscal_quarter(add_months(self.first, 3), self.start_month)


def fiscal_year_of(day: date, start_month: int = 1) -> int:
    """The fiscal year `day` falls in, named for the calendar year the fiscal year ends in."""
    return day.year + (1 if start_month > 1 and day.month >= start_month else 0)


def fiscal_year_start(year: int, start_month: int = 1) -> date:
    """The first day of fiscal year `year` (named for the calendar year it ends in)."""
    return date(year if start_month == 1 else year - 1, start_month, 1)


def fiscal_year_end(year: int, start_month: int = 1) -> date:
    return add_months(fiscal_year_start(year, start_month), 12) - timedelta(days=1)


def fiscal_quarter(day: date, start_month: int = 1) -> FiscalQuarter:
    """The fiscal quarter of a client whose year starts in `start_month` that `day` falls in."""
    _check_month(start_month)
    offset = (day.month - start_month) % 12  # months since the fiscal year began
    first = add_months(month_start(day), -(offset % 3))
    return FiscalQuarter(first=first, year=fiscal_year_of(day, start_month), number=offset // 3 + 1,
                         start_month=start_month)


def fiscal_quarter_start(day: date, start_month: int = 1) -> date:
    return fiscal_quarter(day, start_month).first


def fiscal_quarters(year: int, start_month: int = 1, years: int = 1) -> list[FiscalQuarter]:
    """The quarters of `years` fiscal years from `year`, in order (four a year)."""
    first = fiscal_year_start(year, start_month)
    return [fiscal_quarter(add_months(first, 3 * n), start_month) for n in range(4 * years)]


def _check_month(start_month: int) -> None:
    if not isinstance(start_month, int) or not 1 <= start_month <= 12:
        raise ValueError(f"A fiscal year starts in a month from 1 to 12, not {start_month!r}.")


def in_force_q(first: date, last: date | None = None, prefix: str = "") -> Q:
    """Rows with a start_date and an optional end_date (agreements, subscriptions) in force on at least one day
    of first..last, or on the day `first` when `last` is None: started by then and not ended before."""
    last = first if last is None else last
    return Q(**{f"{prefix}start_date__lte": last}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": first}))
