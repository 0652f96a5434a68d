"""The figures the foundation pages show that only the owner's figures can compute (revenue, the desk's SLA
results, technician onboarding, agreement renewals), supplied to `foundation.figures` at start-up."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from bspos.agreements.models import Agreement
from bspos.clients.models import ClientStatus
from bspos.core.dates import month_end, months_ending, previous_month
from bspos.core.money import maybe_places
from bspos.foundation import figures
from bspos.foundation.models import IdealClientProfile, LiveMeasure, clients_with_users
from bspos.foundation.selectors import primary_icp, share
from bspos.knowledge.models import ChecklistKind, ChecklistRun
from bspos.money import reports
from bspos.money.models import Invoice
from bspos.scorecard.models import Opportunity
from bspos.servicedesk.models import Ticket


def _month(value) -> date:
    return (value.date() if isinstance(value, datetime) else value).replace(day=1)


def icp_reach(icp: IdealClientProfile, today: date) -> dict:
    """Share of active clients, of invoiced revenue and of new funnel leads that match the ICP (seed 000: "all your
    sales and marketing point at them"): now, over the last 12 complete months, and per month as a trend. Clients
    are matched on their vertical and their current number of users."""
    months = months_ending(previous_month(today), 12)
    clients = clients_with_users()
    matching_ids = list(clients.filter(icp.match_q()).values_list("pk", flat=True))
    now = clients.filter(status=ClientStatus.ACTIVE).aggregate(
        total=Count("pk", distinct=True), matching=Count("pk", distinct=True, filter=Q(pk__in=matching_ids)))
    served = {}
    for m in months:
        end = month_end(m)
        active = Q(client_since__lte=end) & (Q(churned_on__isnull=True) | Q(churned_on__gt=end))
        served[f"t{m:%Y%m}"] = Count("pk", filter=active)
        served[f"m{m:%Y%m}"] = Count("pk", filter=active & Q(pk__in=matching_ids))
    served = clients.model.objects.aggregate(**served) if months else {}
    revenue = {row["period_start"]: row for row in Invoice.objects.filter(
        period_start__gte=months[0], period_start__lte=months[-1]).values("period_start").annotate(
        total=Sum("subtotal"), matching=Sum("subtotal", filter=Q(client_id__in=matching_ids)))}
    leads = {_month(row["month"]): row for row in Opportunity.objects.filter(
        awareness_on__gte=months[0], awareness_on__lte=month_end(months[-1])).annotate(
        month=TruncMonth("awareness_on")).values("month").annotate(
        total=Count("pk"), matching=Count("pk", filter=icp.match_q()))}
    trend = []
    for m in months:
        money = revenue.get(m, {})
        lead = leads.get(m, {})
        trend.append({"month": m, "clients": share(served[f"m{m:%Y%m}"], served[f"t{m:%Y%m}"]),
                      "revenue": _money_share(money.get("matching"), money.get("total")),
                      "leads": share(lead.get("matching", 0), lead.get("total", 0))})
    total_revenue = sum((r["total"] or 0 for r in revenue.values()), Decimal(0))
    matching_revenue = sum((r["matching"] or 0 for r in revenue.values()), Decimal(0))
    total_leads = sum(r["total"] for r in leads.values())
    return {"clients": share(now["matching"], now["total"]), "clients_matching": now["matching"],
            "clients_total": now["total"], "revenue": _money_share(matching_revenue, total_revenue),
            "leads": share(sum(r["matching"] for r in leads.values()), total_leads), "leads_total": total_leads,
            "trend": trend}


def _money_share(part, whole) -> Decimal | None:
    return maybe_places(Decimal(part or 0) * 100 / whole, "0.1") if whole else None


def live_measure(key: str, today: date) -> Decimal | None:
    """A BHAG measure bspos computes: ARR (last complete month's invoiced revenue × 12), gross margin (last three
    complete months), active clients, active clients of the primary ICP, revenue per client per month."""
    last = previous_month(today)
    if key == LiveMeasure.ARR:
        month = Invoice.objects.filter(period_start=last).aggregate(total=Sum("subtotal"))["total"]
        return maybe_places(month * 12, "1") if month is not None else None
    if key == LiveMeasure.GROSS_MARGIN:
        totals = reports.combined(reports.margin_report(months_ending(last, 3)).series)
        return maybe_places(reports.gross_percent(totals.revenue + totals.commission, totals.cost), "0.1")
    if key == LiveMeasure.ACTIVE_CLIENTS:
        return Decimal(clients_with_users().filter(status=ClientStatus.ACTIVE).count())
    if key == LiveMeasure.ICP_CLIENTS:
        icp = primary_icp()
        return Decimal(clients_with_users().filter(icp.match_q(), status=ClientStatus.ACTIVE).count()) if icp \
            else None
    if key == LiveMeasure.REVENUE_PER_CLIENT:
        row = Invoice.objects.filter(period_start=last).aggregate(total=Sum("subtotal"),
                                                                  clients=Count("client", distinct=True))
        return maybe_places(row["total"] / row["clients"], "1") if row["clients"] else None
    return None


def sla_results(plan_ids: list[int], today: date) -> list[dict]:
    """The desk's results under these SLA plans over the last 12 months, per plan and priority: tickets resolved,
    first response and resolution met on time (seed 001: an SLA you can't hit is worse than no SLA)."""
    since = timezone.now() - timedelta(days=365)
    rows = Ticket.objects.filter(sla_plan_id__in=plan_ids, resolved_at__gte=since).values(
        "sla_plan__name", "priority").annotate(
        resolved=Count("pk"),
        resolution_met=Count("pk", filter=Q(resolution_due__isnull=False, resolved_at__lte=F("resolution_due"))),
        response_known=Count("pk", filter=Q(first_response_due__isnull=False)),
        response_met=Count("pk", filter=Q(first_response_due__isnull=False, first_response_at__isnull=False,
                                          first_response_at__lte=F("first_response_due")))).order_by(
        "sla_plan__name", "priority")
    labels = dict(Ticket._meta.get_field("priority").choices)
    return [{"plan": row["sla_plan__name"], "priority": labels.get(row["priority"], row["priority"]),
             "resolved": row["resolved"], "resolution_met": share(row["resolution_met"], row["resolved"]),
             "response_met": share(row["response_met"], row["response_known"])} for row in rows]


def onboarding_days(today: date) -> dict:
    """Technician onboarding checklists completed in the last year and their average length in days."""
    since = timezone.now() - timedelta(days=365)
    row = ChecklistRun.objects.filter(kind=ChecklistKind.TECH_ONBOARDING, completed_at__gte=since).aggregate(
        runs=Count("pk"), length=Avg(ExpressionWrapper(F("completed_at") - F("started_at"),
                                                       output_field=DurationField())))
    days = maybe_places(Decimal(row["length"].total_seconds()) / 86400, "0.1") if row["length"] else None
    return {"runs": row["runs"], "days": days}


def next_renewals(client_ids: list[int], today: date) -> dict[int, date]:
    """Each client's next agreement renewal (agreements in force), to migrate it to the new paper then."""
    return {row["client_id"]: row["next"] for row in Agreement.objects.in_force(today).filter(
        client_id__in=client_ids, renewal_date__isnull=False).values("client_id").annotate(next=Min("renewal_date"))}


def supply_all() -> None:
    figures.supply(figures.ICP_REACH, icp_reach)
    figures.supply(figures.LIVE_MEASURE, live_measure)
    figures.supply(figures.SLA_RESULTS, sla_results)
    figures.supply(figures.ONBOARDING_DAYS, onboarding_days)
    figures.supply(figures.RENEWALS, next_renewals)
