"""{% load schedule %}: minutes as hours on the board ("32.5 h")."""

from django import template

register = template.Library()


@register.filter
def hours(minutes: int | None) -> str:
    if not minutes:
        return "0 h"
    value = round(minutes / 60, 1)
    return f"{value:g} h"
