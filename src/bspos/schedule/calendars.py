"""Schedule entries as iCalendar (RFC 5545, the `icalendar` package): a technician's subscribed feed and the
appointment a ticket's contact is emailed. Times are written in UTC, so every client shows them in its own zone."""

from collections.abc import Iterable
from datetime import UTC

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from bspos.core.services import absolute_url

REFRESH = "PT15M"  # how often Outlook and Google are asked to fetch the feed again (they may take longer)


def _calendar(name: str, method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//bspos//Dispatch board//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    return calendar


def _where(entry) -> str:
    if entry.location != "on_site":
        return "Remote"
    site = entry.site
    if site is None:
        return "On site"
    return ", ".join(part for part in (site.client.name, site.name, site.address, site.city) if part)


def _event(entry, *, for_contact: bool = False) -> Event:
    event = Event()
    event.add("uid", f"schedule-{entry.pk}@bspos")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", entry.starts_at.astimezone(UTC))
    event.add("dtend", entry.ends_at.astimezone(UTC))
    event.add("location", _where(entry))
    event.add("status", "CONFIRMED")
    if for_contact:  # the contact sees the visit, never internal notes or other clients
        event.add("summary", f"{entry.get_location_display()} appointment with {entry.technician}: "
                             f"[#{entry.ticket.number}] {entry.ticket.subject}")
        return event
    event.add("summary", entry.label)
    lines = [f"{entry.get_location_display()}."]
    if entry.ticket_id:
        lines.append(absolute_url(reverse("servicedesk:ticket", args=[entry.ticket.number])))
    elif entry.task_id:
        lines.append(absolute_url(reverse("projects:task", args=[entry.task_id])))
    if entry.notes:
        lines += ["", entry.notes]
    event.add("description", "\n".join(lines))
    return event


def technician_calendar(user, entries: Iterable) -> bytes:
    """The feed a technician subscribes to: their entries only (the caller passes them)."""
    calendar = _calendar(f"bspos: {user}", "PUBLISH")
    calendar.add("refresh-interval", vText(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    for entry in entries:
        calendar.add_component(_event(entry))
    return calendar.to_ical()


def appointment_invite(entry, *, organizer_email: str) -> bytes:
    """One appointment as an .ics the contact's calendar can add."""
    calendar = _calendar("Appointment", "PUBLISH")
    event = _event(entry, for_contact=True)
    if organizer_email:
        organizer = vCalAddress(f"mailto:{organizer_email}")
        organizer.params["cn"] = vText(str(entry.technician))
        event["organizer"] = organizer
    calendar.add_component(event)
    return calendar.to_ical()
