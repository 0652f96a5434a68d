"""One date format and one money format for every page: {% load formats %} then |when, |day, |money."""

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def when(value: datetime | None) -> str:
    """A moment in the viewer's time zone (the active one), e.g. "2 Dec 2026, 14:05"."""
    if value is None:
        return "—"
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.day} {value:%b %Y, %H:%M}"


@register.filter
def day(value: date | datetime | None) -> str:
    """A calendar day, e.g. "2 Dec 2026"."""
    if value is None:
        return "—"
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.day} {value:%b %Y}"


@register.filter
def money(value: Decimal | int | float | None, currency: str = "") -> str:
    """An amount with two places and thousands separators, currency code first when given: "USD 4,093.00"."""
    if value in (None, ""):
        return "—"
    amount = f"{Decimal(value):,.2f}"
    return f"{currency} {amount}" if currency else amount
