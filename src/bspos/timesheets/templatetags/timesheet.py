from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def hm(minutes: int | Decimal | None) -> str:
    """Minutes as hours and minutes on a time sheet: 390 → 6:30."""
    if minutes is None:
        return "—"
    hours, rest = divmod(int(round(minutes)), 60)
    return f"{hours}:{rest:02d}"
