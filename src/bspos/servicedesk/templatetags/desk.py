from django import template
from django.urls import reverse

from bspos.core.permissions import Can, can
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


@register.simple_tag(takes_context=True)
def files_of(context, note=None, ticket=None) -> list[tuple]:
    """(attachment, download URL) for a note's files, or a ticket's own (sent when it was opened); the URL is the
    desk's for staff and the portal's for a client contact (who only ever reaches a note the portal showed them)."""
    if note:
        items = note.files.all()  # prefetched by the pages that list notes
    elif ticket:
        items = ticket.files.filter(note=None)
    else:
        return []
    url_name = "servicedesk:attachment" if can(context["request"].user, Can.DESK_READ) else "portal:attachment"
    return [(item, reverse(url_name, args=[item.pk])) for item in items]


@register.inclusion_tag("servicedesk/_running_timers.html", takes_context=True)
def running_timers(context) -> dict:
    """The timers the person has running (kept in the session by the ticket page's timer), for the top bar; one
    query, and none when no timer runs."""
    from datetime import datetime

    from bspos.servicedesk.models import Ticket

    request = context.get("request")
    timers = request.session.get("timers", {}) if request is not None and hasattr(request, "session") else {}
    if not timers:
        return {"timers": []}
    numbers = dict(Ticket.objects.filter(pk__in=[int(pk) for pk in timers if pk.isdigit()])
                   .values_list("pk", "number"))
    return {"timers": [{"number": numbers[int(pk)], "since": datetime.fromisoformat(started)}
                       for pk, started in timers.items() if pk.isdigit() and int(pk) in numbers]}
