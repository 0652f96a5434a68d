"""Writes and business rules of the service desk: numbering, priority matrix, SLA clocks, status workflow."""

import string
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, prefetch_related_objects
from django.utils import timezone
from django.utils.text import slugify

from bspos.agreements.models import Agreement
from bspos.assets.models import Asset
from bspos.audit.services import audited, delete_audited, record, record_created
from bspos.clients.models import Client
from bspos.core.business_time import BusinessClock
from bspos.core.services import next_numbers
from bspos.people.models import User
from bspos.people.services import rate_on
from bspos.projects.models import Task
from bspos.servicedesk import attachments, signals
from bspos.servicedesk.models import (
    PLACEHOLDERS,
    CannedReply,
    Level,
    Note,
    Status,
    Ticket,
    TimeCategory,
    TimeEntry,
)
from bspos.sla.models import Priority, SlaPlan
from bspos.sla.services import business_clock, compute_clocks, targets_by_priority

TICKET_SEQUENCE = "ticket"

# Impact × urgency → priority (ITIL-style matrix; 1 = high).
PRIORITY_MATRIX: dict[tuple[int, int], int] = {
    (Level.HIGH, Level.HIGH): Priority.CRITICAL,
    (Level.HIGH, Level.MEDIUM): Priority.HIGH,
    (Level.MEDIUM, Level.HIGH): Priority.HIGH,
    (Level.HIGH, Level.LOW): Priority.MEDIUM,
    (Level.MEDIUM, Level.MEDIUM): Priority.MEDIUM,
    (Level.LOW, Level.HIGH): Priority.MEDIUM,
    (Level.MEDIUM, Level.LOW): Priority.LOW,
    (Level.LOW, Level.MEDIUM): Priority.LOW,
    (Level.LOW, Level.LOW): Priority.LOW,
}

# Allowed moves of the status workflow; reopening goes back to open.
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.OPEN, Status.WAITING_ON_CLIENT, Status.RESOLVED, Status.CLOSED},
    Status.OPEN: {Status.WAITING_ON_CLIENT, Status.RESOLVED, Status.CLOSED},
    Status.WAITING_ON_CLIENT: {Status.OPEN, Status.RESOLVED, Status.CLOSED},
    Status.RESOLVED: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: {Status.OPEN},
}


def priority_for(impact: int, urgency: int) -> int:
    try:
        return PRIORITY_MATRIX[(Level(impact), Level(urgency))]
    except ValueError:
        raise ValidationError("Impact and urgency must each be high (1), medium (2) or low (3).") from None


def sla_plan_for(agreement: Agreement | None) -> SlaPlan | None:
    """A ticket's SLA plan is its agreement's: no agreement (or one without a plan), no SLA clocks."""
    return agreement.sla_plan if agreement is not None else None


def refresh_sla(ticket: Ticket, *, clock: BusinessClock | None = None) -> None:
    """Recompute the ticket's due and at-risk times from its plan, priority and paused minutes (no save); `clock`:
    the plan calendar's clock when the caller has it already."""
    if ticket.sla_plan is None:
        ticket.first_response_due = ticket.first_response_warning_at = None
        ticket.resolution_due = ticket.resolution_warning_at = None
        return
    target = targets_by_priority(ticket.sla_plan).get(ticket.priority)
    if target is None:
        raise ValidationError(f"SLA plan “{ticket.sla_plan}” has no target for {ticket.get_priority_display()}.")
    clocks = compute_clocks(clock=clock or business_clock(ticket.sla_plan.calendar), target=target,
                            at_risk_percent=ticket.sla_plan.at_risk_percent, started_at=ticket.created_at,
                            paused_minutes=ticket.sla_paused_minutes)
    ticket.first_response_due = clocks.first_response_due
    ticket.first_response_warning_at = clocks.first_response_warning_at
    ticket.resolution_due = clocks.resolution_due
    ticket.resolution_warning_at = clocks.resolution_warning_at


def create_ticket(*, client: Client, subject: str, created_by: User | None = None, impact: int = Level.MEDIUM,
                  urgency: int = Level.MEDIUM, created_at: datetime | None = None, **fields) -> Ticket:
    """Open a ticket: next number, priority from impact × urgency, its agreement (the one in force on the ticket's
    day unless one of the client's is given), the agreement's SLA plan and clocks; validated first.

    Every ticket takes this path or `create_tickets` (which it is, for one): the desk's form, the portal, email,
    alerts, the API and the back office.
    """
    return create_tickets(tickets=[dict(client=client, subject=subject, impact=impact, urgency=urgency,
                                        created_at=created_at, **fields)], created_by=created_by)[0]


TICKET_RELATIONS = ("client", "contact", "agreement", "asset", "assignee", "sla_plan")


@transaction.atomic
def create_tickets(*, tickets: Sequence[dict], created_by: User | None = None) -> list[Ticket]:
    """Open several tickets by create_ticket's rules (each dict: its keyword arguments), in bulk statements: the
    numbers reserved in one step in the given order, one agreement look-up per client and day, each SLA plan's
    clock built once and the clocks computed once per plan, priority and start, one insert, one audit insert; one
    `tickets_created` signal. A ticket that fails validation refuses the whole call (nothing is written)."""
    now = timezone.now()
    built = []
    for spec in tickets:
        spec = dict(spec)
        impact, urgency = spec.pop("impact", Level.MEDIUM), spec.pop("urgency", Level.MEDIUM)
        # A related row given as an object the caller has read is not looked up again (its foreign key still refuses
        # one that has gone); one given by id is.
        read = [name for name in TICKET_RELATIONS if isinstance(spec.get(name), Model)]
        ticket = Ticket(impact=impact, urgency=urgency, created_at=spec.pop("created_at", None) or now, **spec)
        ticket.priority = priority_for(impact, urgency)
        # Fields and cross-client rules (a given agreement, contact or asset of another client) are checked here;
        # the table's check constraints (tier, priority, dates not before creation) cannot fail for a new ticket
        # whose fields passed, and the database still enforces them: checking them again in Python costs six
        # queries per ticket.
        ticket.full_clean(exclude=["number", *read], validate_constraints=False)
        built.append(ticket)
    if not built:
        return []
    _assign_agreements(built)
    _set_clocks(built)
    for ticket, number in zip(built, next_numbers(TICKET_SEQUENCE, len(built)), strict=True):
        ticket.number = number
    Ticket.objects.bulk_create(built)
    record_created(created_by, built)
    signals.tickets_created.send(sender=Ticket, tickets=built, by=created_by)
    return built


_shared: ContextVar[dict | None] = ContextVar("desk_shared_lookups", default=None)


@contextmanager
def shared_ticket_lookups() -> Iterator[None]:
    """Within the block (one batch of mail) every create_ticket(s) call shares what it reads: the agreement in force
    per client and day, each SLA plan with its targets and calendar clock."""
    token = _shared.set({"governing": {}, "plans": {}})
    try:
        yield
    finally:
        _shared.reset(token)


def _lookups() -> dict:
    return _shared.get() or {"governing": {}, "plans": {}}


def _assign_agreements(tickets: list[Ticket]) -> None:
    """Each ticket without one gets the agreement in force for its client on its day (one query per pair)."""
    governing: dict[tuple[int, object], Agreement | None] = _lookups()["governing"]
    for ticket in tickets:
        if ticket.agreement_id is None:
            key = (ticket.client_id, timezone.localdate(ticket.created_at))
            if key not in governing:
                governing[key] = Agreement.objects.select_related("sla_plan").governing(ticket.client, key[1])
            ticket.agreement = governing[key]
        ticket.sla_plan = sla_plan_for(ticket.agreement)


CLOCK_FIELDS = ("first_response_due", "first_response_warning_at", "resolution_due", "resolution_warning_at")


def _set_clocks(tickets: list[Ticket]) -> None:
    """refresh_sla for new tickets in one pass: each plan's targets and calendar clock are read once, and tickets of
    one plan, priority and start share their computed clocks."""
    plans: dict[int, tuple[SlaPlan, BusinessClock]] = _lookups()["plans"]
    computed: dict[tuple, list] = {}
    for ticket in tickets:
        if ticket.sla_plan is None:
            refresh_sla(ticket)
            continue
        if ticket.sla_plan.pk not in plans:
            prefetch_related_objects([ticket.sla_plan], "targets")
            plans[ticket.sla_plan.pk] = (ticket.sla_plan, business_clock(ticket.sla_plan.calendar))
        ticket.sla_plan, clock = plans[ticket.sla_plan.pk]
        key = (ticket.sla_plan.pk, ticket.priority, ticket.created_at, ticket.sla_paused_minutes)
        if key not in computed:
            refresh_sla(ticket, clock=clock)
            computed[key] = [getattr(ticket, name) for name in CLOCK_FIELDS]
        for name, value in zip(CLOCK_FIELDS, computed[key], strict=True):
            setattr(ticket, name, value)


@transaction.atomic
def change_priority(ticket: Ticket, *, impact: int | None = None, urgency: int | None = None,
                    priority: int | None = None, by: User | None = None) -> Ticket:
    """Re-prioritise from impact × urgency (or an explicit priority) and recompute the SLA clocks."""
    with audited(ticket, by):
        _set_priority(ticket, impact, urgency, priority)
        refresh_sla(ticket)
        ticket.save()
    signals.ticket_updated.send(sender=Ticket, ticket=ticket, changed={"priority", "impact", "urgency"}, by=by)
    return ticket


def _set_priority(ticket: Ticket, impact: int | None, urgency: int | None, priority: int | None) -> None:
    if impact is not None:
        ticket.impact = impact
    if urgency is not None:
        ticket.urgency = urgency
    if priority is not None:
        if priority not in Priority.values:
            raise ValidationError({"priority": "Priority must be 1 (critical) to 4 (low)."})
        ticket.priority = priority
    else:
        ticket.priority = priority_for(ticket.impact, ticket.urgency)


def _resume_clock(ticket: Ticket, at: datetime) -> None:
    """End a pause: its business minutes push the resolution due time later, never earlier."""
    if ticket.sla_paused_at is None:
        return
    if ticket.sla_plan is not None:
        clock = business_clock(ticket.sla_plan.calendar)
        ticket.sla_paused_minutes += clock.minutes_between(ticket.sla_paused_at, at)
    ticket.sla_paused_at = None
    refresh_sla(ticket)


RESOLVING = (Status.RESOLVED, Status.CLOSED)
RESOLUTION_NEEDED = "Say how it was resolved: a resolution note is needed to resolve or close a ticket."


def check_resolution(ticket: Ticket, status: str | None, resolution: str = "") -> None:
    """Resolving or closing needs a resolution note, given now or already on the ticket (every path asks here)."""
    if status in RESOLVING and not (resolution and resolution.strip()) and not (ticket.resolution or "").strip():
        raise ValidationError({"resolution": RESOLUTION_NEEDED})


@transaction.atomic
def change_status(ticket: Ticket, status: str, *, at: datetime | None = None, by: User | None = None,
                  resolution: str = "") -> Ticket:
    """Move a ticket along the workflow; waiting on client pauses the resolution clock. Resolving or closing
    needs a resolution note (`resolution`, or the one the ticket has); it is saved with the move."""
    with audited(ticket, by):
        _move(ticket, status, at or timezone.now(), by, resolution)
    return ticket


def _move(ticket: Ticket, status: str, at: datetime, by: User | None = None, resolution: str = "") -> None:
    if status not in Status.values:
        raise ValidationError({"status": f"Unknown status “{status}”."})
    if status not in TRANSITIONS[ticket.status]:
        raise ValidationError({"status": f"A {ticket.get_status_display().lower()} ticket cannot become "
                                         f"{Status(status).label.lower()}."})
    if at < ticket.created_at:
        raise ValidationError({"status": "A status change cannot be dated before the ticket was created."})
    check_resolution(ticket, status, resolution)
    if resolution and resolution.strip():
        ticket.resolution = resolution.strip()
    previous = ticket.status
    if previous == Status.WAITING_ON_CLIENT:
        _resume_clock(ticket, at)
    if status == Status.WAITING_ON_CLIENT:
        ticket.sla_paused_at = at
    if status in (Status.RESOLVED, Status.CLOSED):
        ticket.resolved_at = ticket.resolved_at or at
        ticket.first_response_at = ticket.first_response_at or at
    if status == Status.CLOSED:
        ticket.closed_at = at
    if status == Status.OPEN and previous in (Status.RESOLVED, Status.CLOSED):
        ticket.reopen_count += 1
        ticket.resolved_at = ticket.closed_at = None
    ticket.status = status
    ticket.save()
    signals.ticket_status_changed.send(sender=Ticket, ticket=ticket, previous=previous, status=status, by=by)


@transaction.atomic
def escalate(ticket: Ticket, *, assignee: User | None = None, by: User | None = None) -> Ticket:
    """Move the ticket one tier up (max 3) and count the escalation."""
    if ticket.tier >= 3:
        raise ValidationError({"tier": "The ticket is already at tier 3."})
    reassigned = assignee is not None and assignee.pk != ticket.assignee_id
    with audited(ticket, by):
        ticket.tier += 1
        ticket.escalation_count += 1
        if reassigned:
            ticket.assignee = assignee
        ticket.save(update_fields=["tier", "escalation_count", "assignee", "updated_at"])
    # only a real change of hands tells the new assignee ("assigned to you")
    signals.ticket_updated.send(sender=Ticket, ticket=ticket, changed={"tier", "assignee"} if reassigned else {"tier"},
                                by=by)
    return ticket


@transaction.atomic
def update_ticket(ticket: Ticket, *, by: User | None = None, **fields) -> Ticket:
    """Change plain fields (subject, assignee, tier, asset, in/out of scope, …) with validation and audit.

    Status and priority have their own rules: use change_status and change_priority.
    """
    forbidden = set(fields) & {"status", "priority", "impact", "urgency", "number", "created_at", "client",
                               "client_id", "agreement", "agreement_id", "sla_plan", "sla_plan_id"}
    if forbidden:
        raise ValidationError(f"Use the status, priority and agreement actions to change: "
                              f"{', '.join(sorted(forbidden))}.")
    with audited(ticket, by):
        for name, value in fields.items():
            setattr(ticket, name, value)
        ticket.full_clean(exclude=["number"])
        ticket.save()
    signals.ticket_updated.send(sender=Ticket, ticket=ticket, changed=set(fields), by=by)
    return ticket


def change_cc(ticket: Ticket, addresses: list[str], *, by: User | None = None) -> Ticket:
    """Set who is copied on the ticket's email replies: each address checked, duplicates (any case) once."""
    unique = list(dict.fromkeys(address.strip().lower() for address in addresses if address and address.strip()))
    return update_ticket(ticket, cc=unique, by=by)


def link_asset(ticket: Ticket, asset: Asset | None, *, by: User | None = None) -> Ticket:
    return update_ticket(ticket, asset=asset, by=by)


@transaction.atomic
def change_agreement(ticket: Ticket, agreement: Agreement | None, *, by: User | None = None) -> Ticket:
    """Put the ticket under another of its client's agreements, or none; the SLA plan and clocks follow it."""
    if agreement is not None and agreement.client_id != ticket.client_id:
        raise ValidationError({"agreement": "The agreement belongs to another client."})
    with audited(ticket, by):
        ticket.agreement = agreement
        ticket.sla_plan = sla_plan_for(agreement)
        refresh_sla(ticket)
        ticket.save()
    signals.ticket_updated.send(sender=Ticket, ticket=ticket, changed={"agreement", "sla_plan"}, by=by)
    return ticket


BILLED_IS_FINAL = "Billed on invoice {invoice}; credit the invoice to change it."


def refuse_if_billed(invoice) -> None:
    """Billed is final: refuse, naming the issued invoice the time is on (from `billing_invoice()`)."""
    if invoice is not None:
        raise ValidationError(BILLED_IS_FINAL.format(invoice=invoice.display_number))


APPROVED_IS_FINAL = "Approved by {person} on {day}; the service manager must return the week before it can change."


def lock_reason(entry: TimeEntry) -> str:
    """Why nobody may change or delete this entry (billed on an issued invoice, or approved), or "" when they may."""
    invoice = entry.billing_invoice()
    if invoice is not None:
        return BILLED_IS_FINAL.format(invoice=invoice.display_number)
    if entry.approved_at is not None:
        return APPROVED_IS_FINAL.format(person=entry.approved_by or "a manager",
                                        day=f"{timezone.localdate(entry.approved_at):%Y-%m-%d}")
    return ""


def refuse_if_locked(entry: TimeEntry) -> TimeEntry:
    """Billed and approved time are final: refuse with the reason. Reads the row under a lock, so an approval
    committing at the same moment is seen; returns the locked row."""
    current = TimeEntry.objects.select_for_update(of=("self",)).select_related("approved_by").get(pk=entry.pk)
    reason = lock_reason(current)
    if reason:
        raise ValidationError(reason)
    return current


@transaction.atomic
def delete_ticket(ticket: Ticket, *, by: User | None = None) -> None:
    """Delete a ticket; refused when its time is billed (time still unbilled protects it in the database too)."""
    refuse_if_billed(ticket.time_entries.billing_invoice())
    delete_audited(ticket, by)


@transaction.atomic
def update_note(note: Note, *, body: str, by: User | None = None) -> Note:
    """Correct a note's text."""
    if not body or not body.strip():
        raise ValidationError({"body": "The note is empty."})
    with audited(note, by):
        note.body = body
        note.save(update_fields=["body"])
    return note


@transaction.atomic
def delete_note(note: Note, *, by: User | None = None) -> None:
    """Delete a reply or internal note (notes carry no time, so nothing billed hangs on one)."""
    delete_audited(note, by)


@transaction.atomic
def add_note(ticket: Ticket, *, author: User | None, body: str, is_internal: bool = False,
             at: datetime | None = None, files: Sequence = ()) -> Note:
    """Add a reply or internal note, with its files; the first public reply by MSP staff is the first response.

    The files are stored before the note is announced, so the emailed reply carries them."""
    if not body or not body.strip():
        raise ValidationError({"body": "The note is empty."})
    attachments.check(files)
    at = at or timezone.now()
    note = Note.objects.create(ticket=ticket, author=author, body=body, is_internal=is_internal, created_at=at)
    if files:
        attachments.attach(ticket, files, note=note, by=author)
    if not is_internal and author is not None and author.is_msp_staff and ticket.first_response_at is None:
        ticket.first_response_at = max(at, ticket.created_at)
        if ticket.status == Status.NEW:
            ticket.status = Status.OPEN
        ticket.save(update_fields=["first_response_at", "status", "updated_at"])
    signals.note_added.send(sender=Note, note=note, by=author)
    return note


@transaction.atomic
def log_time(*, technician: User, minutes: int, started_at: datetime, ticket: Ticket | None = None,
             task: Task | None = None, internal_category: str = "", billable: bool | None = None, notes: str = "",
             by: User | None = None) -> TimeEntry:
    """Record work on a ticket, a project task or internal, copying the technician's cost and bill rate in force on
    that day. Time goes on a task only while its project is open."""
    if internal_category and not TimeCategory.objects.in_use().filter(code=internal_category).exists():
        raise ValidationError({"internal_category": f"“{internal_category}” is not an internal category in use; "
                                                    "choose one from the list."})
    if task is not None and not task.project.is_open:
        raise ValidationError({"task": f"{task.project.reference} is {task.project.get_status_display().lower()}; "
                                       "reopen it to log time on its tasks."})
    cost_rate, bill_rate = rate_on(technician, timezone.localdate(started_at))
    if billable is None:
        billable = ticket is not None or task is not None
    entry = TimeEntry(technician=technician, ticket=ticket, task=task, internal_category=internal_category,
                      started_at=started_at, minutes=minutes, billable=billable, cost_rate=cost_rate,
                      bill_rate=bill_rate, notes=notes)
    entry.full_clean()
    entry.save()
    record(by or technician, entry, None)
    return entry


TIME_FIELDS = {"started_at", "minutes", "billable", "notes"}


@transaction.atomic
def update_time_entry(entry: TimeEntry, *, by: User | None = None, **fields) -> TimeEntry:
    """Correct when, how long, billable or the note of a time entry; billed time is final (refused, unchanged)."""
    unknown = set(fields) - TIME_FIELDS
    if unknown:
        raise ValidationError(f"These cannot be changed on a time entry: {', '.join(sorted(unknown))}.")
    empty = [name for name, value in fields.items() if value is None]
    if empty:
        raise ValidationError(dict.fromkeys(empty, "This field cannot be empty."))
    refuse_if_locked(entry)
    with audited(entry, by):
        for name, value in fields.items():
            setattr(entry, name, value)
        entry.full_clean()
        entry.save()
    return entry


@transaction.atomic
def delete_time_entry(entry: TimeEntry, *, by: User | None = None) -> None:
    """Remove a time entry; billed and approved time are final (refused). Time on a draft invoice is protected by
    the database."""
    refuse_if_locked(entry)
    delete_audited(entry, by)


def approve_time(entries, *, by: User, at: datetime | None = None) -> int:
    """Mark entries approved (a week's time sheet): locked for everyone from now on, and billable when billing
    waits for approval. The one write of `approved_at`; the caller audits the decision (timesheets). Returns the
    number approved."""
    with transaction.atomic():
        pks = list(entries.select_for_update(of=("self",)).filter(approved_at__isnull=True).values_list("pk",
                                                                                                          flat=True))
        return TimeEntry.objects.filter(pk__in=pks).update(approved_at=at or timezone.now(), approved_by=by)


def reopen_time(entries) -> int:
    """Take approval back (the week is returned): refused when any of the entries is billed on an issued invoice."""
    with transaction.atomic():
        pks = list(entries.select_for_update(of=("self",)).values_list("pk", flat=True))
        refuse_if_billed(TimeEntry.objects.filter(pk__in=pks).billing_invoice())
        return TimeEntry.objects.filter(pk__in=pks).update(approved_at=None, approved_by=None)


@transaction.atomic
def save_time_category(*, name: str, by: User | None = None, category: TimeCategory | None = None,
                       code: str = "", is_active: bool = True, position: int | None = None) -> TimeCategory:
    """Add an internal category (its code from the name unless given) or rename, reorder or retire one."""
    category = category or TimeCategory(code=code or slugify(name)[:20])
    if not category.code:
        raise ValidationError({"name": "Give the category a name with letters or digits."})
    with audited(category, by):
        category.name = (name or "").strip()
        category.is_active = is_active
        if position is not None:
            category.position = position
        category.full_clean(validate_unique=True)
        category.save()
    return category


@transaction.atomic
def delete_time_category(category: TimeCategory, *, by: User | None = None) -> None:
    """Delete a category no time entry uses; one in use is retired instead, so its entries keep their name."""
    if TimeEntry.objects.filter(internal_category=category.code).exists():
        raise ValidationError(f"Time is logged on “{category.name}”; retire it instead (untick “in use”).")
    delete_audited(category, by)


@transaction.atomic
def take(ticket: Ticket, *, by: User) -> Ticket:
    """“Take it”: the person working the ticket becomes its assignee."""
    if ticket.assignee_id == by.pk:
        raise ValidationError({"assignee": "The ticket is yours already."})
    return update_ticket(ticket, assignee=by, by=by)


@transaction.atomic
def respond(ticket: Ticket, *, by: User, body: str = "", internal: bool = False, minutes: int | None = None,
            billable: bool | None = None, status: str | None = None, resolution: str = "",
            files: Sequence = ()) -> Note | None:
    """The composer: a reply or internal note (with files), time spent, a status and the resolution note in one go,
    through add_note, log_time, update_ticket and change_status so their rules hold; any refusal changes nothing.

    Resolving or closing needs a resolution note unless the ticket has one already."""
    has_body = bool(body and body.strip())
    if not (has_body or minutes or status):
        raise ValidationError({"body": "Write a reply or a note, log time or choose a status."})
    if files and not has_body:
        raise ValidationError({"attachments": "Files go with a reply or a note: write one."})
    if status and status != ticket.status:
        check_resolution(ticket, status, resolution)
    note = None
    if has_body:
        note = add_note(ticket, author=by, body=body, is_internal=internal, files=files)
    if minutes:
        log_time(technician=by, ticket=ticket, minutes=minutes, started_at=timezone.now() - timedelta(minutes=minutes),
                 billable=billable, by=by)
    if resolution and resolution.strip():  # its own timeline line, before the status move it allows
        update_ticket(ticket, resolution=resolution.strip(), by=by)
    if status and status != ticket.status:
        change_status(ticket, status, by=by)
    return note


def placeholders_in(body: str) -> set[str]:
    """The placeholder names a canned reply's text uses; ValidationError when its braces do not pair up."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(body) if name is not None}
    except ValueError:
        raise ValidationError({"body": "A brace is not closed: write placeholders as {contact_first_name}, and a "
                                       "literal brace as {{ or }}."}) from None


@transaction.atomic
def save_canned_reply(*, title: str, body: str, by: User | None = None,
                      reply: CannedReply | None = None) -> CannedReply:
    """Create or correct a canned reply; placeholders other than the known ones are refused, naming them."""
    unknown = placeholders_in(body) - set(PLACEHOLDERS)
    if unknown:
        known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
        raise ValidationError({"body": f"Unknown placeholder{'s' if len(unknown) > 1 else ''} "
                                       f"{', '.join(f'{{{name}}}' for name in sorted(unknown))}; use {known}."})
    reply = reply or CannedReply()
    with audited(reply, by):
        reply.title, reply.body = title, body
        reply.full_clean()
        reply.save()
    return reply


@transaction.atomic
def delete_canned_reply(reply: CannedReply, *, by: User | None = None) -> None:
    delete_audited(reply, by)
