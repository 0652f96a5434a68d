"""Writes for notifications, and who is told what when the desk changes (docs/notifications.md).

The receivers at the bottom translate the desk's signals into `notify` calls; `notify` is the one place that
leaves out the person who caused the event, applies preferences, writes the in-app rows in one query and sends the
emails once the change has committed.
"""

import logging
import operator
import re
from collections.abc import Iterable
from datetime import datetime
from email.utils import make_msgid
from functools import reduce

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from bspos.audit.services import delete_audited, record
from bspos.core.services import absolute_url
from bspos.mail import conf as mail_conf
from bspos.notifications import selectors
from bspos.notifications.models import Event, Notification, Preference, Watcher
from bspos.people.models import User
from bspos.servicedesk.models import Note, Source, Status, Ticket
from bspos.sla.models import Priority

log = logging.getLogger(__name__)

# `@username` in an internal note; Django usernames are letters, digits and @ . + - _ (a trailing dot ends a sentence).
MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")
MAX_MENTIONS = 20
TARGETS = {"first_response": "first response", "resolution": "resolution"}


def ticket_path(ticket: Ticket) -> str:
    return reverse("servicedesk:ticket", kwargs={"number": ticket.number})


def thread_root(ticket: Ticket) -> str:
    """The Message-ID every notification email about the ticket replies to, so mail clients keep one thread."""
    domain = mail_conf.from_address().rpartition("@")[2] or "localhost"
    return f"<ticket-{ticket.number}.notifications@{domain}>"


def notify(*, event: str, ticket: Ticket | None, text: str, recipients: Iterable[User | None], by: User | None = None,
           at: datetime | None = None, url: str | None = None) -> set[int]:
    """Tell each recipient once, on the channels they chose; never `by`, never a client contact or an inactive login.
    In-app rows are written in one query; emails go after the transaction commits. Returns the ids of those told.
    Without a ticket (a client's domain expiring), `url` is the path the notification leads to."""
    if event not in Event.values:
        raise ValidationError({"event": f"Unknown event {event!r}."})
    if ticket is None and not url:
        raise ValidationError({"url": "A notification about no ticket needs the path it leads to."})
    people = {user.pk: user for user in recipients
              if user is not None and user.is_active and user.is_msp_staff and (by is None or user.pk != by.pk)}
    if not people:
        return set()
    channels = selectors.channels_for(people.values(), event)
    text, url, at = text[:500], url or ticket_path(ticket), at or timezone.now()
    with transaction.atomic():
        Notification.objects.bulk_create([
            Notification(recipient_id=pk, event=event, ticket=ticket, text=text, url=url, created_at=at)
            for pk, (in_app, _email) in channels.items() if in_app])
        addresses = [people[pk].email for pk, (_in_app, email) in channels.items() if email and people[pk].email]
        if addresses:
            transaction.on_commit(lambda: send_emails(ticket, text, url, addresses))
    return {pk for pk, (in_app, email) in channels.items() if in_app or email}


def send_emails(ticket: Ticket | None, text: str, path: str, addresses: list[str]) -> int:
    """One email per address, threaded per ticket, with a link to it; a mail server that is down is logged (the
    in-app notification is already there). Returns how many were sent. Without a ticket: subject = the text."""
    domain = mail_conf.from_address().rpartition("@")[2] or "localhost"
    if ticket is not None:
        root = thread_root(ticket)
        subject, idstring, link = f"[#{ticket.number}] {ticket.subject}", f"bspos.notify.{ticket.number}", "ticket"
        thread = {"In-Reply-To": root, "References": root}
    else:
        subject, idstring, link, thread = text[:150], "bspos.notify", "record", {}
    body = (f"{text}\n\nOpen the {link}: {absolute_url(path)}\n\n"
            f"-- \nbspos. Choose what you are told: {absolute_url(reverse('notifications:preferences'))}\n")
    try:
        with get_connection() as connection:
            return sum(EmailMessage(
                subject=subject, body=body, from_email=mail_conf.from_address(), to=[address], connection=connection,
                headers={"Message-ID": make_msgid(idstring=idstring, domain=domain), **thread,
                         "Auto-Submitted": "auto-generated"},
            ).send() for address in addresses)
    except Exception:  # noqa: BLE001 (a notification email must never fail the change it reports)
        log.warning("Notification email for %s not sent", f"ticket #{ticket.number}" if ticket else path,
                    exc_info=True)
        return 0


@transaction.atomic
def mark_read(notification: Notification, *, at: datetime | None = None) -> Notification:
    if notification.read_at is None:
        notification.read_at = at or timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def mark_all_read(user: User, *, at: datetime | None = None) -> int:
    """Mark every unread notification of the person read; returns how many."""
    return Notification.objects.for_recipient(user).unread().update(read_at=at or timezone.now())


@transaction.atomic
def watch(ticket: Ticket, user: User) -> Watcher:
    """Follow a ticket (MSP staff only); watching twice is watching once."""
    if not user.is_msp_staff:
        raise ValidationError("Only the MSP's people can watch tickets.")
    watcher, created = Watcher.objects.get_or_create(ticket=ticket, user=user)
    if created:
        record(user, watcher, None)
    return watcher


@transaction.atomic
def unwatch(ticket: Ticket, user: User) -> None:
    watcher = Watcher.objects.filter(ticket=ticket, user=user).first()
    if watcher is not None:
        delete_audited(watcher, user)


@transaction.atomic
def set_preferences(user: User, choices: dict[str, tuple[bool, bool]]) -> None:
    """Save (in_app, email) per event for the person, in one upsert."""
    unknown = set(choices) - set(Event.values)
    if unknown:
        raise ValidationError(f"Unknown events: {', '.join(sorted(unknown))}.")
    Preference.objects.bulk_create(
        [Preference(user=user, event=event, in_app=in_app, email=email) for event, (in_app, email) in choices.items()],
        update_conflicts=True, unique_fields=["user", "event"], update_fields=["in_app", "email"])


# --- who is told what: receivers of the desk's signals (connected in apps.py) ---------------------------------------

def mentioned_users(body: str):
    """The MSP's people named `@username` in a text (any case)."""
    names = {name.rstrip(".-+").lower() for name in MENTION.findall(body)} - {""}
    if not names:
        return User.objects.none()
    return User.objects.filter(reduce(operator.or_, (Q(username__iexact=n) for n in sorted(names)[:MAX_MENTIONS])))


def _watchers(ticket: Ticket, told: set[int]):
    return selectors.watchers_of(ticket).exclude(pk__in=told)


def on_tickets_created(sender, tickets: list[Ticket], by: User | None = None, **kwargs) -> None:
    audience = None
    for ticket in tickets:
        if ticket.source == Source.ALERT and ticket.priority == Priority.CRITICAL and not ticket.assignee_id:
            audience = list(selectors.critical_alert_audience()) if audience is None else audience
        _announce(ticket, by, audience or [])


def _announce(ticket: Ticket, by: User | None, audience: list[User]) -> None:
    """A critical alert ticket tells its assignee, else the critical-alert audience; an assigned ticket its assignee."""
    told: set[int] = set()
    if ticket.source == Source.ALERT and ticket.priority == Priority.CRITICAL:
        audience = [ticket.assignee] if ticket.assignee_id else audience
        told = notify(event=Event.CRITICAL_ALERT, ticket=ticket, recipients=audience, by=by,
                      text=f"An alert opened critical ticket #{ticket.number} for {ticket.client}: {ticket.subject}")
    if ticket.assignee_id and ticket.assignee_id not in told:
        notify(event=Event.ASSIGNED, ticket=ticket, recipients=[ticket.assignee], by=by,
               text=f"#{ticket.number} {ticket.subject} ({ticket.client}) is assigned to you")


def on_ticket_updated(sender, ticket: Ticket, changed: set[str], by: User | None = None, **kwargs) -> None:
    told: set[int] = set()
    if "assignee" in changed and ticket.assignee_id:
        told = notify(event=Event.ASSIGNED, ticket=ticket, recipients=[ticket.assignee], by=by,
                      text=f"#{ticket.number} {ticket.subject} ({ticket.client}) is assigned to you")
    what = []
    if "assignee" in changed:
        what.append(f"assigned to {ticket.assignee or 'nobody'}")
    if "priority" in changed:
        what.append(f"priority {ticket.get_priority_display()}")
    if what:
        notify(event=Event.WATCHED, ticket=ticket, recipients=_watchers(ticket, told), by=by,
               text=f"#{ticket.number} {ticket.subject}: now {' and '.join(what)}")


def on_ticket_status_changed(sender, ticket: Ticket, previous: str, status: str, by: User | None = None,
                             **kwargs) -> None:
    notify(event=Event.WATCHED, ticket=ticket, recipients=_watchers(ticket, set()), by=by,
           text=f"#{ticket.number} {ticket.subject}: {Status(previous).label} → {Status(status).label}")


def on_note_added(sender, note: Note, by: User | None = None, **kwargs) -> None:
    ticket = note.ticket
    author = note.author
    if note.is_internal:
        notify(event=Event.MENTIONED, ticket=ticket, recipients=mentioned_users(note.body), by=by,
               text=f"{author or 'Someone'} mentioned you on #{ticket.number} {ticket.subject}: "
                    f"{' '.join(note.body.split())[:200]}")
        return
    who = f"{author} (client)" if author is not None and not author.is_msp_staff else str(author or "The client")
    told = notify(event=Event.REPLIED, ticket=ticket, recipients=[ticket.assignee], by=by,
                  text=f"{who} replied on #{ticket.number} {ticket.subject}")
    notify(event=Event.REPLIED, ticket=ticket, recipients=_watchers(ticket, told), by=by,
           text=f"{who} replied on #{ticket.number} {ticket.subject} (you watch it)")


def _sla(event: str, ticket: Ticket, text: str) -> None:
    notify(event=event, ticket=ticket, recipients=[ticket.assignee, *selectors.service_managers()], text=text)


def on_sla_at_risk(sender, ticket: Ticket, target: str, **kwargs) -> None:
    _sla(Event.SLA_AT_RISK, ticket, f"SLA {TARGETS.get(target, target)} at risk on #{ticket.number} {ticket.subject}"
                                    f" ({ticket.assignee or 'unassigned'})")


def on_sla_breached(sender, ticket: Ticket, target: str, **kwargs) -> None:
    _sla(Event.SLA_BREACHED, ticket, f"SLA {TARGETS.get(target, target)} breached on #{ticket.number} "
                                     f"{ticket.subject} ({ticket.assignee or 'unassigned'})")


def on_sla_escalated(sender, ticket: Ticket, target: str, percent: int, users: list[User], text: str = "",
                     **kwargs) -> None:
    notify(event=Event.SLA_ESCALATED, ticket=ticket, recipients=users,
           text=text or f"SLA {TARGETS.get(target, target)} {percent}% used on #{ticket.number} {ticket.subject}")
