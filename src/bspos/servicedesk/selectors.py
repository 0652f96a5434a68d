"""Reads of the service desk, with SLA state computed in the database."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.utils import timezone

from bspos.agreements.models import Agreement
from bspos.assets.models import Asset
from bspos.audit.models import AuditEvent
from bspos.clients.models import Contact
from bspos.people.models import User
from bspos.servicedesk.models import OPEN_STATUSES, CannedReply, Note, Status, Ticket, TimeEntry
from bspos.sla.models import Priority


class SlaState:
    NONE = "none"
    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    PAUSED = "paused"
    BREACHED = "breached"


SLA_LABELS = {SlaState.ON_TRACK: "On track", SlaState.AT_RISK: "At risk", SlaState.BREACHED: "Breached",
              SlaState.PAUSED: "Paused", SlaState.MET: "Met", SlaState.NONE: "No SLA"}


def resolution_breached(now: datetime) -> Q:
    """Resolved late; or still open past due; or paused after the due time had already passed."""
    return (
        Q(resolved_at__isnull=False, resolution_due__isnull=False, resolved_at__gt=F("resolution_due"))
        | Q(resolved_at__isnull=True, sla_paused_at__isnull=True, resolution_due__lt=now)
        | Q(resolved_at__isnull=True, sla_paused_at__isnull=False, resolution_due__lt=F("sla_paused_at"))
    )


def resolution_met() -> Q:
    """A ticket resolved within its resolution SLA: on or before the due time (the desk's "met" state)."""
    return Q(resolution_due__isnull=False, resolved_at__isnull=False, resolved_at__lte=F("resolution_due"))


def resolution_sla_met(tickets: QuerySet[Ticket], since: datetime, until: datetime) -> dict:
    """SLA met: of the tickets resolved in [since, until) under a resolution target, the share resolved within it
    (percent to one place, None when none was). One query; the owner's maturity levels, the SBR's SLA figures and
    the leadership metrics all count with it."""
    from django.db.models import Count

    from bspos.core.money import percent

    # counting resolved_at (never null here) rather than pk lets PostgreSQL answer from the index alone
    counts = tickets.filter(resolved_at__gte=since, resolved_at__lt=until).aggregate(
        with_sla=Count("resolved_at", filter=Q(resolution_due__isnull=False)),
        met=Count("resolved_at", filter=resolution_met()))
    return {**counts, "rate": percent(counts["met"], counts["with_sla"])}


def first_response_breached(now: datetime) -> Q:
    return (Q(first_response_at__isnull=False, first_response_at__gt=F("first_response_due"))
            | Q(first_response_at__isnull=True, first_response_due__lt=now))


def with_sla_state(tickets: QuerySet[Ticket], now: datetime | None = None) -> QuerySet[Ticket]:
    """Annotate `sla_state` (none, met, on_track, at_risk, paused, breached) for the resolution clock."""
    now = now or timezone.now()
    return tickets.annotate(sla_state=Case(
        When(resolution_due__isnull=True, then=Value(SlaState.NONE)),
        When(resolution_breached(now), then=Value(SlaState.BREACHED)),
        When(resolved_at__isnull=False, then=Value(SlaState.MET)),
        When(sla_paused_at__isnull=False, then=Value(SlaState.PAUSED)),
        When(resolution_warning_at__lte=now, then=Value(SlaState.AT_RISK)),
        default=Value(SlaState.ON_TRACK),
        output_field=CharField(),
    ))


def dashboard_figures(tickets: QuerySet[Ticket], now: datetime) -> dict:
    """Open tickets by priority and SLA state right now, in one aggregate query."""
    from django.db.models import Count

    open_now = with_sla_state(tickets.filter(status__in=OPEN_STATUSES), now)
    figures = open_now.aggregate(
        open=Count("id"),
        at_risk=Count("id", filter=Q(sla_state=SlaState.AT_RISK)),
        breached=Count("id", filter=Q(sla_state=SlaState.BREACHED)),
        unassigned=Count("id", filter=Q(assignee__isnull=True)),
        **{f"p{p}": Count("id", filter=Q(priority=p)) for p in (1, 2, 3, 4)},
    )
    return figures


def opened_and_closed_per_day(tickets: QuerySet[Ticket], since: datetime) -> list[dict]:
    """Tickets opened and resolved per day since a moment, counted by the database, days without any included."""
    from django.db.models import Count
    from django.db.models.functions import TruncDate

    zone = timezone.get_current_timezone()
    opened = dict(tickets.filter(created_at__gte=since).annotate(day=TruncDate("created_at", tzinfo=zone))
                  .values_list("day").annotate(n=Count("id")).order_by())
    closed = dict(tickets.filter(resolved_at__gte=since).annotate(day=TruncDate("resolved_at", tzinfo=zone))
                  .values_list("day").annotate(n=Count("id")).order_by())
    first, last = timezone.localdate(since), timezone.localdate()
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [{"day": day, "opened": opened.get(day, 0), "closed": closed.get(day, 0)} for day in days]


def workload_per_technician(tickets: QuerySet[Ticket], week_start: datetime):
    """Open tickets, breached ones and minutes logged this week per person who works tickets (subqueries)."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
    from django.db.models.functions import Coalesce

    from bspos.people.models import Role, User
    from bspos.servicedesk.models import TimeEntry

    def per_person(queryset: QuerySet, field: str, total) -> Coalesce:
        rows = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(total=total)
        return Coalesce(Subquery(rows.values("total"), output_field=IntegerField()), 0)

    open_tickets = with_sla_state(tickets.filter(status__in=OPEN_STATUSES))
    return (User.objects.filter(role__in=[Role.TECHNICIAN, Role.OWNER, Role.SERVICE_MANAGER], is_active=True)
            .annotate(
                open_tickets=per_person(open_tickets, "assignee", Count("id")),
                breached=per_person(open_tickets.filter(sla_state=SlaState.BREACHED), "assignee", Count("id")),
                minutes_this_week=per_person(TimeEntry.objects.filter(started_at__gte=week_start), "technician",
                                             Sum("minutes")),
            ).order_by("-open_tickets", "username"))


def clocks_of(ticket: Ticket, now: datetime | None = None) -> list[dict]:
    """The ticket's two SLA clocks as a person reads them: due, done, state and business minutes left."""
    from bspos.sla.services import business_clock

    now = now or timezone.now()
    if ticket.sla_plan is None:
        return []
    clock = business_clock(ticket.sla_plan.calendar)
    rows = []
    for name, due, warning, done in (
        ("First response", ticket.first_response_due, ticket.first_response_warning_at, ticket.first_response_at),
        ("Resolution", ticket.resolution_due, ticket.resolution_warning_at, ticket.resolved_at),
    ):
        paused = name == "Resolution" and ticket.sla_paused_at is not None and done is None
        if done is not None:
            state = SlaState.BREACHED if done > due else SlaState.MET
        elif paused:
            state = SlaState.BREACHED if due < ticket.sla_paused_at else SlaState.PAUSED
        elif due < now:
            state = SlaState.BREACHED
        else:
            state = SlaState.AT_RISK if warning and warning <= now else SlaState.ON_TRACK
        left = None
        if done is None and not paused:
            left = clock.minutes_between(now, due) if due > now else -(now - due).total_seconds() / 60
        rows.append({"name": name, "due": due, "done": done, "state": state, "minutes_left": left})
    return rows


def canned_text(reply: CannedReply, ticket: Ticket, by: User) -> str:
    """A canned reply's text with its placeholders filled for this ticket and the person writing."""
    contact = ticket.contact
    values = {
        "contact_first_name": contact.first_name if contact else "",
        "contact_name": contact.name if contact else "",
        "ticket_number": ticket.number,
        "ticket_subject": ticket.subject,
        "client_name": ticket.client.name,
        "my_name": by.get_full_name() or by.username,
    }
    return reply.body.format_map(values)


@dataclass
class TimelineItem:
    """One moment of a ticket's life: a note, a time entry, or changes told as sentences."""

    at: datetime
    kind: str  # "note", "time" or "change"
    actor: User | None = None
    note: Note | None = None
    entry: TimeEntry | None = None
    sentences: list[str] = field(default_factory=list)


# Fields the timeline does not tell: clocks and counters that follow from the changes it does tell.
UNTOLD = {"number", "created_at", "updated_at", "first_response_due", "first_response_warning_at",
          "first_response_at", "resolution_due", "resolution_warning_at", "resolved_at", "closed_at",
          "sla_paused_minutes", "sla_plan_id", "escalation_count", "reopen_count", "impact", "urgency", "client_id",
          "description", "source", "ticket_type", "category"}
REFERENCES = {"assignee_id": User, "asset_id": Asset, "agreement_id": Agreement, "contact_id": Contact}


def _sentences(who: str, changes: dict, names: dict) -> list[str]:
    """A change of the ticket as people say it: "Kathryn Scott set status to Resolved", "SLA paused: waiting on
    client"."""
    said = []
    for name, (_, after) in changes.items():
        if name in UNTOLD:
            continue
        if name == "sla_paused_at":
            said.append("SLA paused: waiting on client" if after else
                        "SLA resumed: the time paused moves the resolution due time later")
        elif name == "status":
            said.append(f"{who} set status to {Status(after).label}")
        elif name == "priority":
            said.append(f"{who} set priority to {Priority(after).label}")
        elif name == "tier":
            said.append(f"{who} moved the ticket to tier {after}")
        elif name == "in_scope":
            said.append(f"{who} marked the ticket {'in scope' if after else 'out of scope'}")
        elif name == "subject":
            said.append(f"{who} renamed the ticket “{after}”")
        elif name == "resolution":
            said.append(f"{who} wrote the resolution: {after}" if after else f"{who} removed the resolution note")
        elif name == "assignee_id":
            said.append(f"{who} assigned the ticket to {names.get((name, after), 'someone since removed')}"
                        if after else f"{who} unassigned the ticket")
        elif name in REFERENCES:
            what = name.removesuffix("_id")
            said.append(f"{who} set the {what} to {names.get((name, after), 'one since removed')}"
                        if after else f"{who} removed the {what}")
        else:
            said.append(f"{who} changed the {name.removesuffix('_id').replace('_', ' ')}")
    return said


def _names(events: list[AuditEvent]) -> dict:
    """(field, id) → display name for every person, asset, agreement and contact the events point to: one query
    per kind, however many events."""
    wanted: dict[str, set] = {}
    for event in events:
        for name in REFERENCES.keys() & event.changes.keys():
            wanted.setdefault(name, set()).update(v for v in event.changes[name] if v is not None)
    names = {}
    for name, ids in wanted.items():
        rows = REFERENCES[name].objects.filter(pk__in=ids)
        # People by their names; contacts, assets and agreements by their own name (the client is the ticket's).
        names.update({(name, row.pk): str(row) if name == "assignee_id" else row.name for row in rows})
    return names


def timeline(ticket: Ticket, user: User) -> list[TimelineItem]:
    """The ticket's life in time order: the notes and time the user may see, and its recorded changes as sentences;
    a fixed number of queries however long the ticket's history."""
    notes = Note.objects.visible_to(user).filter(ticket=ticket).select_related("author").prefetch_related("files")
    entries = TimeEntry.objects.visible_to(user).filter(ticket=ticket).select_related("technician").with_billing()
    events = list(AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Ticket),
                                            object_id=ticket.pk).select_related("actor"))
    names = _names(events)
    items = [TimelineItem(at=note.created_at, kind="note", actor=note.author, note=note) for note in notes]
    items += [TimelineItem(at=entry.started_at + timedelta(minutes=entry.minutes), kind="time",
                           actor=entry.technician, entry=entry) for entry in entries]
    for event in events:
        who = str(event.actor) if event.actor else "The system"
        if event.action == AuditEvent.Action.CREATED:  # told at the ticket's own time (imports may date it back)
            items.append(TimelineItem(at=ticket.created_at, kind="change", actor=event.actor,
                                      sentences=[f"{who} opened the ticket"]))
        elif event.action == AuditEvent.Action.CHANGED and (sentences := _sentences(who, event.changes, names)):
            items.append(TimelineItem(at=event.at, kind="change", actor=event.actor, sentences=sentences))
    return sorted(items, key=lambda item: item.at)
