"""Writes for the dispatch board: each validates, runs in a transaction and leaves an audit entry.

Who may dispatch whom is one rule (`require_dispatch`): anyone who works tickets books their own time; the owner and
the service manager (`desk.manage`) book anybody's.
"""

import hashlib
import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone

from bspos.audit.services import audited, delete_audited, record, snapshot
from bspos.core.permissions import Can, can, is_client_contact
from bspos.mail import conf as mail_conf
from bspos.mail.services import put_in_outbox
from bspos.people.models import STAFF_ROLES, User
from bspos.schedule.calendars import appointment_invite
from bspos.schedule.models import CalendarFeed, ScheduleEntry

EDITABLE = ("technician", "starts_at", "ends_at", "ticket", "task", "title", "location", "site", "notes")


def can_dispatch(user, technician: User | None) -> bool:
    """Book or change time for `technician`: one's own with `desk.write`, anybody's with `desk.manage`."""
    if not can(user, Can.DESK_WRITE):
        return False
    return technician is None or technician.pk == user.pk or can(user, Can.DESK_MANAGE)


def require_dispatch(user, *technicians: User | None) -> None:
    if is_client_contact(user):
        raise Http404("Not found.")
    if not can(user, Can.DESK_WRITE):
        raise PermissionDenied(f"Your role cannot do this ({Can.DESK_WRITE}).")
    if not all(can_dispatch(user, technician) for technician in technicians):
        raise PermissionDenied("Only the owner and the service manager schedule other people; you can schedule "
                               "yourself.")


def schedulable_people():
    """Who can be booked: the MSP's active staff (finance too, e.g. for a client's billing meeting)."""
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by("first_name", "last_name", "username")


def conflicts(entry: ScheduleEntry):
    """The technician's other entries overlapping this one (shown, not refused: a dispatcher may double-book)."""
    return ScheduleEntry.objects.in_conflict_with(technician_id=entry.technician_id, starts=entry.starts_at,
                                                  ends=entry.ends_at, exclude_pk=entry.pk).select_related(
        "ticket__client", "task__project__client")


def _save(entry: ScheduleEntry, by, fields: dict) -> ScheduleEntry:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"Not a field of a schedule entry: {', '.join(sorted(unknown))}.")
    before = snapshot(entry) if entry.pk else None
    for name, value in fields.items():
        setattr(entry, name, value)
    if entry.technician_id and not entry.technician.is_active:
        raise ValidationError({"technician": f"{entry.technician} is no longer active."})
    if isinstance(entry.title, str):
        entry.title = entry.title.strip()
    entry.full_clean(exclude=["created_by"])
    with transaction.atomic():
        entry.save()
        record(by, entry, before)
    return entry


def create_entry(*, technician: User, starts_at: datetime, ends_at: datetime, by, ticket=None, task=None,
                 title: str = "", location: str = "remote", site=None, notes: str = "") -> ScheduleEntry:
    """Book a technician for a ticket, a project task or internal work; overlaps are allowed and reported by
    `conflicts`. A task is planned only while its project is open (as time is logged)."""
    require_dispatch(by, technician)
    if task is not None and not task.project.is_open:
        raise ValidationError({"task": f"{task.project.reference} is {task.project.get_status_display().lower()}: "
                                       "reopen it to plan time on its tasks."})
    entry = ScheduleEntry(created_by=by if getattr(by, "is_authenticated", False) else None)
    return _save(entry, by, {"technician": technician, "starts_at": starts_at, "ends_at": ends_at, "ticket": ticket,
                             "task": task, "title": title, "location": location, "site": site, "notes": notes})


@transaction.atomic
def update_entry(entry: ScheduleEntry, *, by, **fields) -> ScheduleEntry:
    """Change an entry: move it (another technician or time), resize it, or edit what it is for."""
    entry = ScheduleEntry.objects.select_for_update().get(pk=entry.pk)
    require_dispatch(by, entry.technician, fields.get("technician", entry.technician))
    return _save(entry, by, fields)


def move_entry(entry: ScheduleEntry, *, by, technician: User | None = None, starts_at: datetime | None = None,
               ends_at: datetime | None = None) -> ScheduleEntry:
    """The board's drag: a new technician and/or start keeps the length; a new end alone resizes."""
    fields: dict = {}
    if technician is not None:
        fields["technician"] = technician
    if starts_at is not None:
        fields["starts_at"] = starts_at
        fields["ends_at"] = starts_at + (entry.ends_at - entry.starts_at)
    if ends_at is not None:
        fields["ends_at"] = ends_at
    return update_entry(entry, by=by, **fields)


def delete_entry(entry: ScheduleEntry, *, by) -> None:
    require_dispatch(by, entry.technician)
    with transaction.atomic():
        delete_audited(entry, by)


# --- the contact's appointment email -------------------------------------------------------------------------------

@transaction.atomic
def email_appointment(entry: ScheduleEntry, *, by) -> ScheduleEntry:
    """Email the ticket's contact when the technician comes (or connects), with the appointment as an .ics file;
    through the outbox, in this transaction."""
    require_dispatch(by, entry.technician)
    ticket = entry.ticket
    contact = ticket.contact if ticket else None
    if ticket is None:
        raise ValidationError(f"{entry.work_noun.capitalize()} has no contact to email; only a ticket's appointment "
                              "is sent.")
    if contact is None or not contact.email:
        raise ValidationError(f"Ticket #{ticket.number} has no contact with an email address.")
    if entry.ends_at <= timezone.now():
        raise ValidationError("This appointment is over; there is nothing to tell the contact.")
    zone = _zone_for(entry)
    starts, ends = timezone.localtime(entry.starts_at, zone), timezone.localtime(entry.ends_at, zone)
    when = f"{starts:%A} {starts.day} {starts:%B %Y}, {starts:%H:%M}–{ends:%H:%M} ({zone})"
    body = render_to_string("schedule/appointment_email.txt", {"entry": entry, "ticket": ticket, "contact": contact,
                                                               "when": when})
    email = EmailMessage(subject=f"Appointment for [#{ticket.number}] {ticket.subject}", body=body,
                         from_email=mail_conf.from_address(), to=[contact.email])
    email.attach("appointment.ics", appointment_invite(entry, organizer_email=mail_conf.from_address()),
                 "text/calendar; method=PUBLISH; charset=utf-8")
    put_in_outbox(email, ticket=ticket)
    with audited(entry, by):
        entry.emailed_at = timezone.now()
        entry.save(update_fields=["emailed_at"])
    return entry


def _zone_for(entry: ScheduleEntry):
    """The appointment reads in the site's time zone when it has one, else the MSP's."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = entry.site.time_zone if entry.site_id else ""
    try:
        return ZoneInfo(name) if name else timezone.get_default_timezone()
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


# --- the iCalendar feed --------------------------------------------------------------------------------------------

def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def regenerate_feed(*, user: User, by) -> str:
    """A new secret address for `user`'s calendar; the old one stops working. Returns the token (shown once)."""
    if by.pk != user.pk and not can(by, Can.DESK_MANAGE):
        raise PermissionDenied("Only the owner and the service manager manage other people's calendar feeds.")
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first() or CalendarFeed(user=user)
    with audited(feed, by):
        feed.token_hash = feed_token_hash(token)
        feed.created_at = timezone.now()
        feed.last_fetched_at = None
        feed.save()
    return token


@transaction.atomic
def revoke_feed(*, user: User, by) -> None:
    if by.pk != user.pk and not can(by, Can.DESK_MANAGE):
        raise PermissionDenied("Only the owner and the service manager manage other people's calendar feeds.")
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        delete_audited(feed, by)


def feed_owner(token: str) -> User | None:
    """The active person a feed token belongs to (recording the fetch), else None."""
    if not token or len(token) > 100:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=feed_token_hash(token)).first()
    if feed is None or not feed.user.is_active:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())
    return feed.user
