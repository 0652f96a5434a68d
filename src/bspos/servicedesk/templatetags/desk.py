from django import template

from bspos.servicedesk.selectors import SLA_LABELS

register = template.Library()


@register.filter
def sla_label(state: str) -> str:
    return SLA_LABELS.get(state, state)


@register.filter
def duration(minutes: float | None) -> str:
    """Business minutes as '3 h 20 min' (negative: overdue)."""
    if minutes is None:
        return "—"
    sign, minutes = ("overdue " if minutes < 0 else ""), abs(int(minutes))
    hours, rest = divmod(minutes, 60)
    if hours >= 24 * 3:
        return f"{sign}{hours // 24} d {hours % 24} h"
    return f"{sign}{hours} h {rest} min" if hours else f"{sign}{rest} min"


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (pagination and sort links keep the filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()
