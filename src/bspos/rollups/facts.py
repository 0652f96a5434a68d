"""The roll-ups' facts computed from the raw rows, for any months: what a build stores and what a month that is not
stored (the current one, or one changed since its build) is read as. One function per table, each made of the
rules' own definitions: the money figures of `money.reports.live_month_figures`, SLA met's counts of
`servicedesk.selectors.resolution_sla_counts`, `escalated()`, billable and in-scope as the entries and tickets
record them."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth

from bspos.core.dates import month_span
from bspos.money import reports
from bspos.servicedesk.models import InternalCategory, Ticket, TimeEntry
from bspos.servicedesk.selectors import escalated, resolution_sla_counts

ACCOUNT_WORK = [InternalCategory.ACCOUNT_MANAGEMENT, InternalCategory.SALES]
TICKET_FIGURES = {"opened": 0, "opened_escalated": 0, "resolved": 0, "resolution_time": timedelta(0),
                  "resolved_with_sla": 0, "resolved_sla_met": 0, "resolved_with_time": 0}
TIME_FIGURES = {"billable_minutes": 0, "out_of_scope_minutes": 0}
MONEY_FIGURES = {"revenue": Decimal(0), "invoices": 0, "commission": Decimal(0), "labour_minutes": 0,
                 "labour_rate_minutes": Decimal(0)}  # money.reports.live_month_figures
CLIENT_FIGURES = {**MONEY_FIGURES, **TIME_FIGURES, **TICKET_FIGURES}
TECHNICIAN_FIGURES = {"minutes": 0, "ticket_minutes": 0, "account_minutes": 0,
                      "labour_rate_minutes": Decimal(0), **TIME_FIGURES}


def _span(months: list[date]):
    return month_span(min(months))[0], month_span(max(months))[1]


def _add(rows: dict, key: tuple, blank: dict, wanted: set, figures: dict) -> None:
    """Add `figures` into the row at `key` (month first), made from `blank` the first time."""
    if key[0] not in wanted:
        return
    row = rows.get(key)
    if row is None:
        row = rows[key] = dict(blank)
    for name, value in figures.items():
        row[name] += value or blank[name]


def _time(months: list[date], by: str):
    """Time entries of the window per month and `by` (client_id or technician_id): all of it, and out of scope."""
    start, end = _span(months)
    window = TimeEntry.objects.filter(started_at__gte=start, started_at__lt=end, **{f"{by}__isnull": False}).annotate(
        rollup_month=TruncMonth("started_at")).values("rollup_month", by).order_by()
    everything = window.annotate(
        minutes_all=Sum("minutes"), ticket_minutes=Sum("minutes", filter=Q(ticket__isnull=False)),
        account_minutes=Sum("minutes", filter=Q(internal_category__in=ACCOUNT_WORK)),
        billable_minutes=Sum("minutes", filter=Q(billable=True)),
        labour_rate_minutes=Sum(F("minutes") * F("cost_rate"), output_field=DecimalField(max_digits=20,
                                                                                          decimal_places=2)))
    # out of scope apart: only the entries on out-of-scope tickets are joined to them
    out_of_scope = window.filter(ticket__in_scope=False).annotate(out_of_scope_minutes=Sum("minutes"))
    return everything, out_of_scope


def client_facts(months: list[date]) -> list[dict]:
    """Per client and month: money (`money.reports.live_month_figures`), billable and out-of-scope minutes, and
    tickets opened (by creation) and resolved (by resolution)."""
    wanted, rows = set(months), {}
    for row in reports.live_month_figures(months):
        _add(rows, (row["month"], row["client_id"]), CLIENT_FIGURES, wanted,
             {k: v for k, v in row.items() if k not in ("month", "client_id")})
    everything, out_of_scope = _time(months, "client_id")
    for row in everything:
        _add(rows, (reports._as_month(row["rollup_month"]), row["client_id"]), CLIENT_FIGURES, wanted,
             {"billable_minutes": row["billable_minutes"]})
    for row in out_of_scope:
        _add(rows, (reports._as_month(row["rollup_month"]), row["client_id"]), CLIENT_FIGURES, wanted,
             {"out_of_scope_minutes": row["out_of_scope_minutes"]})
    for (month, client_id, _, _), figures in _tickets(months).items():
        _add(rows, (month, client_id), CLIENT_FIGURES, wanted, figures)
    return [{"month": month, "client_id": client_id, **figures} for (month, client_id), figures in rows.items()]


def technician_facts(months: list[date]) -> list[dict]:
    """Per person and month: all their time, on tickets, out of scope, account work, billable, labour × rate."""
    wanted, rows = set(months), {}
    everything, out_of_scope = _time(months, "technician_id")
    for row in everything:
        _add(rows, (reports._as_month(row["rollup_month"]), row["technician_id"]), TECHNICIAN_FIGURES, wanted, {
            "minutes": row["minutes_all"], "ticket_minutes": row["ticket_minutes"],
            "account_minutes": row["account_minutes"], "billable_minutes": row["billable_minutes"],
            "labour_rate_minutes": row["labour_rate_minutes"]})
    for row in out_of_scope:
        _add(rows, (reports._as_month(row["rollup_month"]), row["technician_id"]), TECHNICIAN_FIGURES, wanted,
             {"out_of_scope_minutes": row["out_of_scope_minutes"]})
    return [{"month": month, "technician_id": pk, **figures} for (month, pk), figures in rows.items()]


def desk_facts(months: list[date]) -> list[dict]:
    """Per month, assignee and priority: tickets opened, escalated, resolved, their resolution time and SLA met."""
    rows: dict[tuple, dict] = {}
    for (month, _, assignee_id, priority), figures in _tickets(months).items():
        _add(rows, (month, assignee_id, priority), TICKET_FIGURES, {month}, figures)
    return [{"month": month, "assignee_id": assignee_id, "priority": priority, **figures}
            for (month, assignee_id, priority), figures in rows.items()]


def _tickets(months: list[date]) -> dict[tuple, dict]:
    """Tickets per (month, client, assignee, priority): opened in the month, and resolved in it."""
    start, end = _span(months)
    wanted, rows = set(months), {}
    keys = ("rollup_month", "client_id", "assignee_id", "priority")
    opened = (Ticket.objects.filter(created_at__gte=start, created_at__lt=end)
              .annotate(rollup_month=TruncMonth("created_at")).values(*keys).order_by()
              .annotate(opened=Count("pk"), opened_escalated=Count("pk", filter=escalated())))
    resolved = (Ticket.objects.filter(resolved_at__gte=start, resolved_at__lt=end)
                .annotate(rollup_month=TruncMonth("resolved_at"),
                          timed=Exists(TimeEntry.objects.filter(ticket=OuterRef("pk"))))
                .values(*keys).order_by()
                .annotate(resolved=Count("pk"), resolved_with_time=Count("pk", filter=Q(timed=True)),
                          resolution_time=Sum(ExpressionWrapper(F("resolved_at") - F("created_at"),
                                                                output_field=DurationField())),
                          **{f"resolved_{name}": aggregate
                             for name, aggregate in _sla_names(resolution_sla_counts()).items()}))
    for row in [*opened, *resolved]:
        key = (reports._as_month(row.pop("rollup_month")), *(row.pop(name) for name in keys[1:]))
        _add(rows, key, TICKET_FIGURES, wanted, row)
    return rows


def _sla_names(counts: dict) -> dict:
    """SLA met's counts under the roll-ups' column names (with_sla, sla_met)."""
    return {"with_sla": counts["with_sla"], "sla_met": counts["met"]}
