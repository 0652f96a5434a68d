"""{% load schedule %}: minutes as hours ("32.5 h") and an entry's chip on the board, built in Python because a
board holds hundreds of them (a template include per chip was most of the page's time)."""

from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

register = template.Library()
TODAY = " today"


@register.filter
def hours(minutes: int | None) -> str:
    if not minutes:
        return "0 h"
    value = round(minutes / 60, 1)
    return f"{value:g} h"


def _chip(context, entry, placed=None, zone=None) -> str:
    """One entry on the board; draggable when the viewer may move it (their own, or anybody's for a dispatcher).
    Plain `html.escape` and f-strings: a week board holds hundreds of chips, and Django's lazy-aware escaping was
    most of its time."""
    movable = context["can_manage"] or (context["can_write"] and entry.technician_id == context["user"].pk)
    zone = zone or timezone.get_current_timezone()
    times = f"{entry.starts_at.astimezone(zone):%H:%M}–{entry.ends_at.astimezone(zone):%H:%M}"
    label = escape(entry.label)
    on_site = entry.location == "on_site"
    classes = f"entry {escape(entry.location)}" + (" conflict" if entry.has_conflict else "")
    where = escape(entry.get_location_display() + (f", {entry.site.name}" if entry.site_id else ""))
    attributes = ' draggable="false"'
    if placed is not None:
        classes += f" c{placed.column} s{placed.span} l{placed.lane}"
    if movable:
        move_url = f'{context["entries_url"]}{entry.pk}/move/?{escape(context["query"])}'
        attributes = f' draggable="true" data-move-url="{move_url}"'
        if placed is not None:
            attributes += f' data-column="{placed.column}" data-span="{placed.span}"'
    tags = (' <span class="tag">on site</span>' if on_site else "") \
        + (' <span class="flag">conflict</span>' if entry.has_conflict else "") \
        + ('<span class="grip" aria-hidden="true" title="Drag to change the end"></span>'
           if placed is not None and movable else "")
    return (f'<a class="{classes}" href="{context["entries_url"]}{entry.pk}/" data-entry="{entry.pk}"{attributes} '
            f'title="{times} {label} ({where})"><span class="time">{times}</span> {label}{tags}</a>')


@register.simple_tag(takes_context=True)
def entry_chip(context, entry, placed=None) -> str:
    return mark_safe(_chip(context, entry, placed))


@register.simple_tag(takes_context=True)
def week_cells(context, row) -> str:
    """A week-board row's seven day cells with their entries (the drop targets of a drag), built in one go."""
    today, pk, zone = context["today"], row.technician.pk, timezone.get_current_timezone()
    return mark_safe("".join(
        f'<td class="cell{TODAY if day == today else ""}" data-drop data-technician="{pk}" '
        f'data-day="{day.isoformat()}">{"".join(_chip(context, entry, zone=zone) for entry in entries)}</td>'
        for day, entries in row.cells))


@register.simple_tag(takes_context=True)
def slot_cells(context, technician_id: int) -> str:
    """A day-board row's half-hour drop targets (the same for every row but the technician)."""
    return mark_safe("".join(f'<span class="slot c{n}" data-drop data-technician="{technician_id}" '
                             f'data-start="{escape(start)}" title="{escape(label)}"></span>'
                             for n, start, label in context["marks"]))
