"""{% load schedule %}: minutes as hours ("32.5 h") and an entry's chip on the board, built in Python because a
board holds hundreds of them (a template include per chip was most of the page's time)."""

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def hours(minutes: int | None) -> str:
    if not minutes:
        return "0 h"
    value = round(minutes / 60, 1)
    return f"{value:g} h"


@register.simple_tag(takes_context=True)
def entry_chip(context, entry, placed=None) -> str:
    """One entry on the board; draggable when the viewer may move it (their own, or anybody's for a dispatcher)."""
    user = context["user"]
    movable = context["can_manage"] or (context["can_write"] and entry.technician_id == user.pk)
    times = f"{timezone.localtime(entry.starts_at):%H:%M}–{timezone.localtime(entry.ends_at):%H:%M}"
    label = entry.label
    classes = f"entry {entry.location}" + (" conflict" if entry.has_conflict else "")
    where = entry.get_location_display() + (f", {entry.site.name}" if entry.site_id else "")
    attributes = mark_safe(' draggable="false"')
    if placed is not None:
        classes += f" c{placed.column} s{placed.span} l{placed.lane}"
    if movable:
        attributes = format_html(' draggable="true" data-move-url="{}{}/move/?{}"', context["entries_url"], entry.pk,
                                 context["query"])
        if placed is not None:
            attributes += format_html(' data-column="{}" data-span="{}"', placed.column, placed.span)
    return format_html(
        '<a class="{}" href="{}{}/" data-entry="{}"{} title="{} {} ({})"><span class="time">{}</span> {}{}{}{}</a>',
        classes, context["entries_url"], entry.pk, entry.pk, attributes, times, label, where, times, label,
        mark_safe(' <span class="tag">on site</span>') if entry.location == "on_site" else "",
        mark_safe(' <span class="flag">conflict</span>') if entry.has_conflict else "",
        mark_safe('<span class="grip" aria-hidden="true" title="Drag to change the end"></span>')
        if placed is not None and movable else "")


@register.simple_tag(takes_context=True)
def slot_cells(context, technician_id: int) -> str:
    """A day-board row's half-hour drop targets (the same for every row but the technician)."""
    return format_html_join("", '<span class="slot c{}" data-drop data-technician="{}" data-start="{}" title="{}">'
                                "</span>", ((n, technician_id, start, label) for n, start, label in context["marks"]))
