"""Reads of the service desk, with SLA state computed in the database."""

from datetime import datetime

from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.utils import timezone

from bspos.servicedesk.models import OPEN_STATUSES, Ticket


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
    from datetime import timedelta

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
