"""One date format and one money format for every page: {% load formats %} then |when, |day, |month, |quarter,
|fiscal_quarter:start_month, |money.

Dates and times are shown in the active time zone (the viewer's, set by `core.middleware.UserTimeZone`), month
names in the active language; amounts with two places, the locale's separators and the currency code first. The
MSP's currency (billing settings) reaches templates as `currency`, from the context processor the money app
registers (`bspos.money.context_processors.currency`): `{{ amount|money:currency }}`.
"""

from contextlib import suppress
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import number_format

from bspos.core import dates
from bspos.core.money import cents

register = template.Library()

DAY_FORMAT = "j M Y"  # 2 Dec 2026
WHEN_FORMAT = "j M Y, H:i"  # 2 Dec 2026, 14:05
MONTH_FORMAT = "F Y"  # December 2026
MISSING = "—"


def _local(value: date | datetime | str):
    """The value as a date or datetime in the active zone; ISO text (a frozen data pack's) is read first."""
    if isinstance(value, str):
        with suppress(ValueError):  # well formed but no such day: shown as it is
            value = parse_date(value) or parse_datetime(value) or value
    return timezone.localtime(value) if isinstance(value, datetime) and timezone.is_aware(value) else value


def _shown(value, fmt: str) -> str:
    value = _local(value)
    return dateformat.format(value, fmt) if isinstance(value, date) else str(value)


@register.filter
def when(value: datetime | None) -> str:
    """A moment in the viewer's time zone, e.g. "2 Dec 2026, 14:05" (a bare date shows as a day)."""
    if not value:
        return MISSING
    local = _local(value)
    return _shown(local, WHEN_FORMAT if isinstance(local, datetime) else DAY_FORMAT)


@register.filter
def day(value: date | datetime | None) -> str:
    """A calendar day, e.g. "2 Dec 2026" (a moment counts on the viewer's calendar)."""
    if not value:
        return MISSING
    return _shown(value, DAY_FORMAT)


@register.filter
def month(value: date | datetime | None) -> str:
    """A calendar month, e.g. "December 2026"."""
    if not value:
        return MISSING
    return _shown(value, MONTH_FORMAT)


@register.filter
def quarter(value: date | datetime | None) -> str:
    """The calendar quarter a day falls in, e.g. "2026 Q4"."""
    if not value:
        return MISSING
    value = _local(value)
    return f"{value.year} Q{(value.month - 1) // 3 + 1}" if isinstance(value, date) else str(value)


@register.filter
def fiscal_quarter(value: date | str | None, start_month: int = 1) -> str:
    """The client's fiscal quarter a day falls in with the calendar dates it covers: "FY2027 Q1 (1 Jul – 30 Sep
    2026)"; `start_month` is the client's `fiscal_year_start`."""
    if not value:
        return MISSING
    value = _local(value)
    if not isinstance(value, date):
        return str(value)
    if isinstance(value, datetime):
        value = value.date()
    quarter = dates.fiscal_quarter(value, int(start_month or 1))
    return f"{quarter.label} ({quarter.span})"


@register.filter
def money(value: Decimal | int | float | str | None, currency: str = "") -> str:
    """An amount rounded to the cent with the locale's separators, currency code first: "USD 4,093.00"."""
    if value is None or value == "":
        return MISSING
    try:
        amount = cents(value)
    except (InvalidOperation, ValueError, TypeError):
        return MISSING
    if not amount.is_finite():
        return MISSING
    shown = number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    code = str(currency or "").strip()
    return f"{code} {shown}" if code else shown
