"""Reads for Strategic Business Reviews: the data pack of a review period, the cadence lists, completion by quarter.

Every figure is counted in the database; Python only shapes the handful of grouped rows for the page and the PDF.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from bspos.agreements.models import Agreement
from bspos.assets.models import Asset, AssetType, Lifecycle
from bspos.clients.models import Client
from bspos.core.dates import add_months, day_span, quarter_label, quarters_ending
from bspos.core.money import cents, hours, percent
from bspos.documentation.selectors import expiring
from bspos.intake.models import Alert
from bspos.money.models import Invoice, InvoiceStatus
from bspos.reviews.forecast import budget_forecast, for_json
from bspos.reviews.lifecycle import refresh_policies, replaced_by, replacement_value
from bspos.reviews.models import CADENCE_DAYS, PACK_DAYS, RefreshPolicy, Review
from bspos.satisfaction.selectors import satisfaction_between
from bspos.servicedesk.models import Category, Source, Ticket, TicketType, TimeEntry
from bspos.servicedesk.selectors import resolution_met
from bspos.sla.models import Priority
from bspos.vault.models import Credential
from bspos.vault.selectors import at_risk_credentials
from bspos.vcio.models import Assessment, RoadmapItem, RoadmapStatus
from bspos.vcio.services import assessment_scores

COMPLETION_LINE = 80  # completion above 80% marks a mature client relationship model (seed 003)
REFRESH_HORIZON_MONTHS = 6  # "end of life within two quarters" (issue 7)
SEVERITY = {Priority.CRITICAL: "Critical", Priority.HIGH: "High", Priority.MEDIUM: "Warning", Priority.LOW: "Info"}
HUNDRED = Decimal(100)


def _pct(part, whole) -> Decimal | None:
    return percent(part, whole)


def _change(now: int, before: int) -> Decimal | None:
    """Change from the previous period in percent; None when there was nothing to compare with."""
    return percent(Decimal(now) - before, before)


def _hours(minutes) -> Decimal:
    return hours(minutes, "0.1")


def _money(value) -> Decimal:
    return cents(value)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


@dataclass(frozen=True)
class Period:
    start: date  # inclusive
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> "Period":
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    @property
    def since(self) -> datetime:
        return day_span(self.start, self.end)[0]

    @property
    def until(self) -> datetime:
        return day_span(self.start, self.end)[1]


def _by(tickets: QuerySet, field: str, period: Period, labels: dict) -> list[dict]:
    now, before = Q(created_at__gte=period.since), Q(created_at__lt=period.since)
    rows = tickets.values(field).annotate(now=Count("pk", filter=now), before=Count("pk", filter=before))
    rows = rows.order_by(field)
    return [{"key": row[field], "label": str(labels.get(row[field], row[field])), "count": row["now"],
             "previous": row["before"], "change": _change(row["now"], row["before"])} for row in rows]


def ticket_figures(client: Client, period: Period) -> dict:
    """Tickets opened by type and by priority, against the previous period of the same length."""
    tickets = Ticket.objects.filter(client=client, created_at__gte=period.previous.since, created_at__lt=period.until)
    totals = tickets.aggregate(now=Count("pk", filter=Q(created_at__gte=period.since)),
                               before=Count("pk", filter=Q(created_at__lt=period.since)))
    return {"total": totals["now"], "previous": totals["before"], "change": _change(totals["now"], totals["before"]),
            "by_type": _by(tickets, "ticket_type", period, dict(TicketType.choices)),
            "by_priority": _by(tickets, "priority", period, {p.value: f"P{p.value} {p.label}" for p in Priority})}


def sla_figures(client: Client, period: Period) -> dict:
    """Resolution and first-response SLA met, of tickets resolved (responded to) in the period and the one before."""
    tickets = Ticket.objects.filter(client=client, resolution_due__isnull=False)

    def counts(span: Period) -> dict:
        resolved = Q(resolved_at__gte=span.since, resolved_at__lt=span.until)
        responded = Q(first_response_at__gte=span.since, first_response_at__lt=span.until,
                      first_response_due__isnull=False)
        return tickets.aggregate(
            resolved=Count("pk", filter=resolved),
            met=Count("pk", filter=resolved & resolution_met()),
            responded=Count("pk", filter=responded),
            responded_in_time=Count("pk", filter=responded & Q(first_response_at__lte=F("first_response_due"))))

    now, before = counts(period), counts(period.previous)
    return {"resolved": now["resolved"], "met": now["met"], "compliance": _pct(now["met"], now["resolved"]),
            "previous_compliance": _pct(before["met"], before["resolved"]),
            "first_response": _pct(now["responded_in_time"], now["responded"])}


def recurring_issues(client: Client, period: Period, limit: int = 5) -> dict:
    """Categories and assets that came back: two or more tickets in the period, with the hours they cost."""
    tickets = Ticket.objects.filter(client=client, created_at__gte=period.since, created_at__lt=period.until)
    categories = (tickets.values("category").annotate(tickets=Count("pk", distinct=True),
                                                       minutes=Sum("time_entries__minutes"))
                  .filter(tickets__gte=2).order_by("-tickets", "-minutes", "category")[:limit])
    labels = dict(Category.choices)
    assets = (tickets.filter(asset__isnull=False).values("asset_id", "asset__name")
              .annotate(tickets=Count("pk")).filter(tickets__gte=2).order_by("-tickets", "asset__name")[:limit])
    return {"categories": [{"key": row["category"], "label": str(labels.get(row["category"], row["category"])),
                            "tickets": row["tickets"], "hours": _hours(row["minutes"])} for row in categories],
            "assets": [{"name": row["asset__name"], "tickets": row["tickets"]} for row in assets]}


def alert_figures(client: Client, period: Period) -> dict:
    """Monitoring alerts that started in the period, by severity (with the notifications received), and the
    tickets they opened by priority."""
    alerts = (Alert.objects.filter(client=client, first_seen__gte=period.since, first_seen__lt=period.until)
              .values("severity").annotate(alerts=Count("pk"), notifications=Sum("count")).order_by("-alerts"))
    by_severity = [{"severity": row["severity"] or "unspecified", "count": row["alerts"],
                    "notifications": row["notifications"]} for row in alerts]
    tickets = (Ticket.objects.filter(client=client, source=Source.ALERT, created_at__gte=period.since,
                                     created_at__lt=period.until)
               .values("priority").annotate(count=Count("pk")).order_by("priority"))
    by_priority = [{"severity": SEVERITY.get(row["priority"], str(row["priority"])), "count": row["count"]}
                   for row in tickets]
    return {"total": sum(row["count"] for row in by_severity), "by_severity": by_severity,
            "tickets": sum(row["count"] for row in by_priority), "tickets_by_priority": by_priority}


def hours_by_work_type(client: Client, period: Period) -> dict:
    """Time logged on the client's tickets in the period, by ticket type; billable share."""
    entries = TimeEntry.objects.filter(client=client, started_at__gte=period.since, started_at__lt=period.until)
    rows = entries.values("ticket__ticket_type").annotate(minutes=Sum("minutes")).order_by("-minutes")
    totals = entries.aggregate(total=Sum("minutes"), billable=Sum("minutes", filter=Q(billable=True)),
                               value=Sum(ExpressionWrapper(F("minutes") * F("bill_rate"),
                                                           output_field=DecimalField(max_digits=18, decimal_places=2))))
    labels = dict(TicketType.choices)
    rate = _money(totals["value"] / totals["total"]) if totals["total"] else Decimal("0.00")
    return {"total": _hours(totals["total"]), "billable": _hours(totals["billable"]), "bill_rate": rate,
            "by_type": [{"label": str(labels.get(row["ticket__ticket_type"], "Other")), "hours": _hours(row["minutes"])}
                        for row in rows]}


def _ageing(client: Client, on: date) -> tuple[QuerySet[Asset], Q, dict[str, RefreshPolicy], date]:
    """Assets in use past warranty on `on`, or whose replace-by date (the lifecycle rule) is within two quarters."""
    horizon = add_months(on, REFRESH_HORIZON_MONTHS)
    policies = refresh_policies(client)
    end_of_life = replaced_by(policies, horizon)
    in_use = Asset.objects.filter(client=client).exclude(lifecycle__in=[Lifecycle.RETIRED, Lifecycle.DISPOSED])
    return in_use.filter(Q(warranty_expires__lt=on) | end_of_life), end_of_life, policies, horizon


def ageing_asset_ids(client: Client, on: date) -> QuerySet:
    return _ageing(client, on)[0].values("pk")


def ageing_assets(client: Client, on: date, limit: int = 50) -> dict:
    """The ageing assets with their end of life and replacement value, and the refresh estimate in total."""
    due, end_of_life, policies, horizon = _ageing(client, on)
    replacement = replacement_value(policies)
    totals = due.aggregate(count=Count("pk"), past_warranty=Count("pk", filter=Q(warranty_expires__lt=on)),
                           end_of_life=Count("pk", filter=end_of_life), estimate=Sum(replacement))
    labels = dict(AssetType.choices)
    items = []
    for asset in due.order_by("purchased_on", "name")[:limit]:
        policy = policies.get(asset.asset_type)
        life_ends = (add_months(asset.purchased_on, policy.max_age_months)
                     if policy and asset.purchased_on else None)
        items.append({"name": asset.name, "type": str(labels.get(asset.asset_type, asset.asset_type)),
                      "purchased_on": _day(asset.purchased_on), "warranty_expires": _day(asset.warranty_expires),
                      "end_of_life": _day(life_ends),
                      "replacement": _money(policy.replacement_value) if policy else None})
    return {"on": _day(on), "horizon": _day(horizon), "count": totals["count"],
            "past_warranty": totals["past_warranty"], "end_of_life": totals["end_of_life"],
            "refresh_estimate": _money(totals["estimate"]), "items": items}


def assessment_trend(client: Client, limit: int = 4) -> list[dict]:
    """The latest assessments' overall scores, oldest first, with the change from the one before of the same kind."""
    assessments = list(Assessment.objects.filter(client=client).select_related("template")
                       .prefetch_related("answers", "targets").order_by("-created_at", "-pk")[:limit])
    rows, last_by_template = [], {}
    for assessment in reversed(assessments):
        areas, overall = assessment_scores(assessment)
        previous = last_by_template.get(assessment.template.key)
        rows.append({"name": assessment.template.name, "on": _day(assessment.created_at.date()),
                     "status": assessment.get_status_display(), "score": overall,
                     "change": overall - previous if overall is not None and previous is not None else None,
                     "gaps": [{"code": a.code, "name": a.name, "score": a.score, "target": a.target, "gap": a.gap}
                              for a in areas if a.gap is not None and a.gap > 0]})
        if overall is not None:
            last_by_template[assessment.template.key] = overall
    return rows


OPEN_ROADMAP = [RoadmapStatus.PROPOSED, RoadmapStatus.PLANNED, RoadmapStatus.IN_PROGRESS]


def open_roadmap(client: Client) -> dict:
    items = RoadmapItem.objects.filter(client=client, status__in=OPEN_ROADMAP).order_by("quarter", "priority", "pk")
    totals = items.aggregate(one_time=Sum("one_time"), monthly=Sum("monthly"), count=Count("pk"))
    return {"count": totals["count"], "one_time": _money(totals["one_time"]), "monthly": _money(totals["monthly"]),
            "items": [{"id": item.pk, "title": item.title, "area": item.area, "quarter": _day(item.quarter),
                       "status": item.get_status_display(), "one_time": item.one_time, "monthly": item.monthly}
                      for item in items[:25]]}


def money_figures(client: Client, period: Period) -> dict:
    """Agreements in force at the end of the period and what was invoiced for months inside it."""
    agreements = Agreement.objects.filter(client=client).in_force(period.end).order_by("name")
    invoiced = Invoice.objects.filter(client=client, status=InvoiceStatus.ISSUED, period_start__gte=period.start,
                                      period_start__lte=period.end).aggregate(total=Sum("total"), count=Count("pk"))
    return {"agreements": [{"name": a.name, "kind": a.get_kind_display(), "renewal": _day(a.renewal_date)}
                           for a in agreements],
            "invoiced": _money(invoiced["total"]), "invoices": invoiced["count"]}


def satisfaction_figures(client: Client, period: Period) -> dict:
    """The contacts' ratings of tickets resolved in the period against the period before: counts and % good."""
    figures = satisfaction_between(period.since, period.until, period.previous.since, client=client)
    previous = figures["previous"]
    return {"answered": figures["answered"], "good": figures["good"], "okay": figures["okay"], "bad": figures["bad"],
            "good_pct": figures["good_pct"], "response_pct": figures["response_pct"],
            "previous_answered": previous["answered"], "previous_good_pct": previous["good_pct"],
            "change_points": figures["change_points"]}


DOCUMENTATION_AHEAD_DAYS = 90


def documentation_figures(client: Client, period: Period) -> dict:
    """What of the client's environment ends in the 90 days after the period (domains, certificates, licences,
    warranties, agreements) and how many of its credentials are at risk (weak, reused, stale, exposed)."""
    ahead = expiring(client, within_days=DOCUMENTATION_AHEAD_DAYS, user=None, today=period.end + timedelta(days=1))
    return {"ahead_days": DOCUMENTATION_AHEAD_DAYS, "expiring_count": len(ahead),
            "expiring": [{"kind": item.kind_label, "name": item.name, "ends": _day(item.expires_on),
                          "days_left": item.days_left} for item in ahead[:25]],
            "credentials": at_risk_credentials(Credential.objects.filter(client=client),
                                               now=period.until)}


def review_period(review: Review, today: date | None = None) -> Period:
    """The 90 days before the meeting (fixed once held); while it is ahead, the 90 days up to yesterday."""
    if review.period_start and review.period_end:
        return Period(review.period_start, review.period_end)
    end = review.meeting_day(today or timezone.localdate()) - timedelta(days=1)
    return Period(end - timedelta(days=PACK_DAYS - 1), end)


def data_pack(review: Review, today: date | None = None) -> dict:
    """Everything the vCIO walks in with, for the review's period (and the one before for trends)."""
    period, client = review_period(review, today), review.client
    return {
        "period": {"start": _day(period.start), "end": _day(period.end), "days": period.days,
                   "previous_start": _day(period.previous.start), "previous_end": _day(period.previous.end)},
        "tickets": ticket_figures(client, period),
        "sla": sla_figures(client, period),
        "recurring": recurring_issues(client, period),
        "alerts": alert_figures(client, period),
        "hours": hours_by_work_type(client, period),
        "assets": ageing_assets(client, period.end),
        "assessments": assessment_trend(client),
        "roadmap": open_roadmap(client),
        "money": money_figures(client, period),
        "satisfaction": satisfaction_figures(client, period),
        "documentation": documentation_figures(client, period),
        "forecast": for_json(budget_forecast(client, today=period.end + timedelta(days=1))),
    }


def pack_of(review: Review, today: date | None = None) -> dict:
    """The frozen pack of a held review (what was presented), else computed now."""
    return review.pack if review.pack is not None else data_pack(review, today)


# --- cadence -----------------------------------------------------------------------------------------------------


def reviews_for(user) -> QuerySet[Review]:
    """The reviews `user` may see, with what the lists show."""
    return Review.objects.visible_to(user).select_related("client", "vcio")


def cadence_counts(reviews: QuerySet[Review], today: date, soon_days: int = 30) -> dict:
    """How many reviews are overdue, due soon, scheduled, held and missed (one query)."""
    planned = Q(status=Review.Status.PLANNED)
    return reviews.aggregate(
        overdue=Count("pk", filter=planned & Q(due_on__lt=today)),
        due=Count("pk", filter=planned & Q(due_on__gte=today, due_on__lte=today + timedelta(days=soon_days))),
        scheduled=Count("pk", filter=planned & Q(scheduled_at__isnull=False)),
        held=Count("pk", filter=Q(status=Review.Status.HELD, held_on__gt=today - timedelta(days=CADENCE_DAYS))),
        missed=Count("pk", filter=Q(status=Review.Status.MISSED, due_on__gt=today - timedelta(days=365))),
    )


def cadence_list(reviews: QuerySet[Review], show: str, today: date, soon_days: int = 30) -> QuerySet[Review]:
    planned = reviews.filter(status=Review.Status.PLANNED)
    if show == "overdue":
        return planned.filter(due_on__lt=today).order_by("due_on", "client__name")
    if show == "due":
        return planned.filter(due_on__gte=today, due_on__lte=today + timedelta(days=soon_days)).order_by("due_on")
    if show == "scheduled":
        return planned.filter(scheduled_at__isnull=False).order_by("scheduled_at")
    if show == "held":
        return (reviews.filter(status=Review.Status.HELD, held_on__gt=today - timedelta(days=CADENCE_DAYS))
                .order_by("-held_on", "client__name"))
    if show == "missed":
        return (reviews.filter(status=Review.Status.MISSED, due_on__gt=today - timedelta(days=365))
                .order_by("-due_on", "client__name"))
    return planned.order_by("due_on", "client__name")


def counted_on():
    """The day a review counts for completion: the day it was held when that came before its due date, else its
    due date (a review held early counts in the quarter it was held; one held late or missed where it fell due)."""
    return Case(When(status=Review.Status.HELD, held_on__lt=F("due_on"), then=F("held_on")), default=F("due_on"),
                output_field=DateField())


def completion_by_quarter(reviews: QuerySet[Review], today: date, quarters: int = 4) -> list[dict]:
    """Per quarter: reviews that counted (fell due or were held, whichever is earlier), held on time (on or before
    the due date), and the on-time rate against the 80% line.

    A review counts once its due date has passed or it was held or missed; a planned one not yet due counts
    nowhere. This is the one place the completion rule lives; the owner's page and the API read it from here.
    """
    starts = quarters_ending(today, quarters)
    fell_due = Q(due_on__lt=today) | ~Q(status=Review.Status.PLANNED)
    held = Q(status=Review.Status.HELD)
    rows = (reviews.filter(fell_due).annotate(counted_on=counted_on())
            .filter(counted_on__gte=starts[0], counted_on__lte=today)
            .annotate(quarter=TruncQuarter("counted_on")).values("quarter")
            .annotate(due=Count("pk"), on_time=Count("pk", filter=held & Q(held_on__lte=F("due_on"))),
                      late=Count("pk", filter=held & Q(held_on__gt=F("due_on"))),
                      missed=Count("pk", filter=Q(status=Review.Status.MISSED)))
            .order_by("quarter"))
    found = {(row["quarter"].date() if isinstance(row["quarter"], datetime) else row["quarter"]): row for row in rows}
    result = []
    for start in starts:
        row = found.get(start, {"due": 0, "on_time": 0, "late": 0, "missed": 0})
        rate = _pct(row["on_time"], row["due"])
        result.append({"quarter": start, "label": quarter_label(start), "due": row["due"],
                       "on_time": row["on_time"], "late": row["late"], "missed": row["missed"], "rate": rate,
                       "meets_line": rate is not None and rate >= COMPLETION_LINE})
    return result


def last_held(client: Client) -> date | None:
    return Review.objects.filter(client=client, status=Review.Status.HELD).aggregate(day=Max("held_on"))["day"]
