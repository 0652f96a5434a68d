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


def open_tickets() -> QuerySet[Ticket]:
    return Ticket.objects.filter(status__in=OPEN_STATUSES).select_related("client", "assignee")
