"""Writes of recurring tickets: templates (create, edit, pause, resume, end; validated, audited) and the job that
creates each occurrence's ticket ahead of its day, exactly once."""

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bspos.audit.services import audited, record
from bspos.knowledge.services import start_run
from bspos.people.models import User
from bspos.recurring.models import Occurrence, RecurringTicket
from bspos.servicedesk.models import Source, TicketType
from bspos.servicedesk.services import create_ticket

log = logging.getLogger(__name__)


def schedule_next(template: RecurringTicket, after: datetime) -> None:
    """Point the template at its first occurrence at or after `after` (none: the rule is finished). No save."""
    upcoming = template.upcoming(after, limit=1)
    template.next_at = upcoming[0] if upcoming else None
    template.create_from = template.create_time(template.next_at) if template.next_at else None


def _validated(template: RecurringTicket) -> None:
    template.full_clean(exclude=["next_at", "create_from"])


@transaction.atomic
def create_template(*, by: User | None, now: datetime | None = None, **fields) -> RecurringTicket:
    """A new recurring ticket; its first ticket is the first occurrence from now on (none are back-filled)."""
    template = RecurringTicket(created_by=by, **fields)
    _validated(template)
    schedule_next(template, now or timezone.now())
    template.save()
    record(by, template, None)
    return template


@transaction.atomic
def update_template(template: RecurringTicket, *, by: User | None, now: datetime | None = None,
                    **changes) -> RecurringTicket:
    """Change a template; the schedule restarts from now (days already created are never created again)."""
    if template.ended_at:
        raise ValidationError("This recurrence has ended; create a new one.")
    with audited(template, by):
        for name, value in changes.items():
            setattr(template, name, value)
        _validated(template)
        schedule_next(template, now or timezone.now())
        template.save()
    return template


@transaction.atomic
def pause(template: RecurringTicket, *, by: User | None) -> RecurringTicket:
    """Stop creating tickets until resumed."""
    if template.ended_at:
        raise ValidationError("This recurrence has ended.")
    with audited(template, by):
        template.paused = True
        template.save(update_fields=["paused", "updated_at"])
    return template


@transaction.atomic
def resume(template: RecurringTicket, *, by: User | None, now: datetime | None = None) -> RecurringTicket:
    """Start again from now: occurrences that fell inside the pause are skipped, not created late."""
    if template.ended_at:
        raise ValidationError("This recurrence has ended; create a new one.")
    with audited(template, by):
        template.paused = False
        schedule_next(template, now or timezone.now())
        template.save()
    return template


@transaction.atomic
def end(template: RecurringTicket, *, by: User | None, now: datetime | None = None) -> RecurringTicket:
    """End the recurrence for good; tickets already created stay."""
    if template.ended_at:
        raise ValidationError("This recurrence has already ended.")
    with audited(template, by):
        template.ended_at = now or timezone.now()
        template.next_at = template.create_from = None
        template.save()
    return template


# --- the job ------------------------------------------------------------------------------------------------------

def create_due(*, now: datetime | None = None) -> int:
    """Create the tickets of every occurrence inside its template's days ahead; returns how many were created.

    Each template is handled in its own transaction under a row lock (a concurrent run skips it), and each
    occurrence's row is inserted with its ticket, under the unique (template, day) constraint: two runs at once,
    or a run after a crash, never create a day twice.
    """
    now = now or timezone.now()
    created = 0
    for pk in list(RecurringTicket.objects.due(now).order_by("create_from").values_list("pk", flat=True)):
        try:
            created += _create_for(pk, now)
        except ValidationError as error:  # e.g. the client's SLA plan lacks a target: the others go on
            log.warning("recurring ticket %s not created: %s", pk, " ".join(error.messages))
    return created


@transaction.atomic
def _create_for(pk: int, now: datetime) -> int:
    template = (RecurringTicket.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("client", "checklist_template").due(now).filter(pk=pk).first())
    if template is None:  # another run holds it, or it is no longer due
        return 0
    horizon = now + timedelta(days=template.days_ahead)
    moments = template.rule().between(template.next_at, horizon, inc=True)
    done = set(template.occurrences.filter(occurs_on__in=[template.day_of(m) for m in moments])
               .values_list("occurs_on", flat=True))
    created = 0
    for moment in moments:
        day = template.day_of(moment)
        if day in done:
            continue
        try:
            with transaction.atomic():  # a savepoint: a day another run created meanwhile is skipped, not fatal
                occurrence = Occurrence.objects.create(template=template, occurs_on=day, occurs_at=moment)
                occurrence.ticket = _ticket(template, moment)
                occurrence.checklist_run = _checklist(template, occurrence.ticket, moment)
                occurrence.save(update_fields=["ticket", "checklist_run"])
        except IntegrityError:
            continue
        done.add(day)
        created += 1
    schedule_next(template, horizon + timedelta(microseconds=1))
    template.save(update_fields=["next_at", "create_from"])
    return created


def _ticket(template: RecurringTicket, moment: datetime):
    subject = f"{template.subject} ({template.day_of(moment):%-d %b %Y})"
    return create_ticket(client=template.client, subject=subject[:250], description=template.description,
                         contact=template.contact, assignee=template.assignee, impact=template.impact,
                         urgency=template.urgency, category=template.category,
                         ticket_type=TicketType.SERVICE_REQUEST, source=Source.API, created_by=None)


def _checklist(template: RecurringTicket, ticket, moment: datetime):
    checklist = template.checklist_template
    if checklist is None or not checklist.active:  # a retired checklist: the ticket is still created
        return None
    return start_run(template=checklist, by=None, client=template.client, started_at=moment,
                     assignee=template.assignee, title=f"{checklist.name}: #{ticket.number} {template.client.name}")
