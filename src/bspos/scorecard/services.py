"""The owner's figures, computed from the system of record in the database: the business scorecard against
seed 000's bands, operating-model health and the five diagnostic signals (seed 003), the maturity level
(seed 004), the sales funnel and the BSP Readiness Assessment scoring (seed 000).

Aggregates run in the database; Python only divides a handful of totals and compares them with the bands.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from bspos.agreements.models import Agreement
from bspos.audit.services import record, snapshot
from bspos.clients import services as client_services
from bspos.clients.models import Client, ClientStatus, Contact
from bspos.core.dates import add_months, month_span, month_start, months_ending, previous_month
from bspos.core.dates import month_end as month_last_day
from bspos.core.money import maybe_places, to_places
from bspos.foundation import selectors as foundation_selectors
from bspos.money import reports
from bspos.money.models import Invoice, InvoiceKind
from bspos.people.models import Role, User
from bspos.proposals import selectors as proposal_selectors
from bspos.reviews import selectors as review_selectors
from bspos.reviews.models import Review
from bspos.satisfaction.selectors import satisfaction_between
from bspos.scorecard.models import STEP_FIELDS, STEPS, Opportunity, ReadinessRun
from bspos.scorecard.questions import PHASES, QUESTIONS
from bspos.servicedesk.models import InternalCategory, Ticket, TimeEntry
from bspos.servicedesk.selectors import resolution_sla_met
from bspos.sla.services import WorkingTime, working_time


def _d(value, places: str = "0.1") -> Decimal | None:
    return maybe_places(value, places)


def _span(months: list[date]) -> tuple[datetime, datetime]:
    """The window of whole months as an aware [start, end)."""
    return month_span(months[0])[0], month_span(months[-1])[1]


def _month_key(value) -> date:
    """A database month (TruncMonth gives an aware datetime or a date) as the first day of that month."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return month_start(value)


# Working time (what utilisation and founder hours are measured against) lives with the calendars:
# sla.services.working_time, shared with the time sheets.


# --- the business scorecard (seed 000) -------------------------------------------------------------------------

@dataclass(frozen=True)
class Band:
    label: str
    unit: str
    msp: tuple[Decimal, Decimal]
    bsp: tuple[Decimal, Decimal]
    higher_is_better: bool = True


BANDS = {
    "revenue_per_client": Band("Revenue per client per month", "$", (Decimal(1500), Decimal(1500)),
                               (Decimal(4500), Decimal(7500))),
    "gross_margin": Band("Gross margin", "%", (Decimal(35), Decimal(45)), (Decimal(55), Decimal(70))),
    "tenure": Band("Average client tenure", "years", (Decimal(2), Decimal(3)), (Decimal(5), Decimal(8))),
    "sales_cycle": Band("Sales cycle", "weeks", (Decimal(13), Decimal(26)), (Decimal(6), Decimal(10)),
                        higher_is_better=False),
    "founder_hours": Band("Founder hours per week", "h", (Decimal(55), Decimal(70)), (Decimal(25), Decimal(40)),
                          higher_is_better=False),
}


def place(value: Decimal | None, band: Band) -> str:
    """Where a figure sits: 'bsp' (in or beyond the BSP band), 'msp' (in or worse than the MSP band), 'between'."""
    if value is None:
        return "unknown"
    better = (lambda a, b: a >= b) if band.higher_is_better else (lambda a, b: a <= b)
    bsp_edge = band.bsp[0] if band.higher_is_better else band.bsp[1]
    msp_edge = band.msp[1] if band.higher_is_better else band.msp[0]
    if better(value, bsp_edge):
        return "bsp"
    if better(msp_edge, value):
        return "msp"
    return "between"


def sellable_multiple(places: list[str]) -> tuple[str, str]:
    """Seed 000: MSPs sell for 3-5x EBITDA, BSPs for 6-10x. Four or more figures in the BSP band place the business
    with BSPs; three or more in the MSP band place it with MSPs; anything else sits between the two."""
    bsp, msp = places.count("bsp"), places.count("msp")
    if bsp >= 4:
        return "6-10x EBITDA", f"{bsp} of 5 figures are in the BSP band (4 or more place you with BSPs)."
    if msp >= 3:
        return "3-5x EBITDA", f"{msp} of 5 figures are in the MSP band (3 or more place you with MSPs)."
    return "5-6x EBITDA (between)", f"{bsp} figures in the BSP band, {msp} in the MSP band: neither rule applies."


@dataclass
class Figure:
    key: str
    value: Decimal | None
    band: Band
    place: str
    note: str = ""


# The sales cycle: from Engagement, or the first step after Awareness a lead reached (Conversion when a proposal
# won it alone), to signing (Excitement).
SALES_CYCLE = ExpressionWrapper(F("excitement_on") - Coalesce("engagement_on", "subscription_on", "conversion_on"),
                                output_field=DurationField())


def won_between(first: date, last: date):
    """Leads signed in first..last that went further than Awareness first (the ones with a sales cycle)."""
    return Opportunity.objects.filter(~Q(engagement_on=None, subscription_on=None, conversion_on=None),
                                      excitement_on__gte=first, excitement_on__lte=last)


def scorecard(months: list[date], margin: reports.MarginReport, today: date,
              work: list[dict] | None = None) -> dict:
    work = work if work is not None else work_by_person_month(months)
    start, end = _span(months)
    first, last = months[0], months[-1]
    invoiced = (Invoice.objects.filter(period_start__gte=first, period_start__lte=last)
                .values("client_id", "period_start").annotate(amount=Sum("subtotal")).filter(amount__gt=0)
                .aggregate(avg=Avg("amount"), months=Count("period_start")))
    per_client = invoiced["avg"]
    totals = reports.combined(margin.series)
    gross = reports.gross_percent(totals.revenue + totals.commission, totals.cost)
    served = Client.objects.filter(client_since__isnull=False, status__in=[ClientStatus.ACTIVE, ClientStatus.CHURNED])
    tenure = served.aggregate(avg=Avg(ExpressionWrapper(Coalesce("churned_on", Value(today)) - F("client_since"),
                                                        output_field=DurationField())))["avg"]
    cycle = won_between(first, month_last_day(last)).aggregate(avg=Avg(SALES_CYCLE), n=Count("pk"))
    owner_rows = [row for row in work if row["technician__role"] == Role.OWNER]  # the owner's time entries
    founder_minutes = sum(row["total"] or 0 for row in owner_rows)
    founders = len({row["technician_id"] for row in owner_rows})
    weeks = Decimal((end - start).days) / 7
    founder_hours = (Decimal(founder_minutes) / 60 / weeks / max(founders, 1)) if founder_minutes else None
    values = {
        "revenue_per_client": (_d(per_client, "1"), f"average of {invoiced['months']:,} client-months invoiced"),
        "gross_margin": (_d(gross), "invoiced revenue and commission less labour and tool costs"),
        "tenure": (_d(tenure.days / Decimal("365.25")) if tenure else None, "clients served, to churn or today"),
        "sales_cycle": (_d(cycle["avg"].days / Decimal(7)) if cycle["avg"] else None,
                        f"Engagement (or the next step reached) to signing, {cycle['n']} opportunities won"),
        "founder_hours": (_d(founder_hours), "time entries of the owner"),
    }
    figures = [Figure(key, value, BANDS[key], place(value, BANDS[key]), note) for key, (value, note) in values.items()]
    multiple, why = sellable_multiple([f.place for f in figures])
    return {"figures": figures, "multiple": multiple, "multiple_why": why}


# --- operating-model health (seed 003) ---------------------------------------------------------------------------

def work_by_person_month(months: list[date]) -> list[dict]:
    """Time per person and month in one pass over the window: all, on tickets, out of scope, account work."""
    start, end = _span(months)
    window = TimeEntry.objects.filter(started_at__gte=start, started_at__lt=end).annotate(
        month=TruncMonth("started_at")).values("technician_id", "technician__role", "technician__tier", "month")
    # Out-of-scope time is summed apart: joining every entry to its ticket costs more than the rest together.
    out_of_scope = {(row["technician_id"], row["month"]): row["minutes"] for row in window.filter(
        ticket__in_scope=False).annotate(minutes=Sum("minutes"))}
    return [{**row, "month": _month_key(row["month"]),
             "out_of_scope": out_of_scope.get((row["technician_id"], row["month"]), 0)} for row in window.annotate(
        total=Sum("minutes"), ticket_minutes=Sum("minutes", filter=Q(ticket__isnull=False)),
        account=Sum("minutes", filter=Q(internal_category__in=[InternalCategory.ACCOUNT_MANAGEMENT,
                                                               InternalCategory.SALES])))]


def tickets_by_month(months: list[date]) -> dict[date, dict]:
    start, end = _span(months)
    escalated = Q(escalation_count__gt=0)
    owners = Q(assignee_id__in=list(User.objects.filter(role=Role.OWNER).values_list("pk", flat=True)))  # no join
    return {_month_key(row["month"]): row for row in Ticket.objects.filter(
        created_at__gte=start, created_at__lt=end).annotate(month=TruncMonth("created_at")).values("month").annotate(
        total=Count("pk"), escalated=Count("pk", filter=escalated), owner=Count("pk", filter=owners),
        owner_escalated=Count("pk", filter=escalated & owners))}


def monthly_series(months: list[date], work: list[dict] | None = None, tickets: dict[date, dict] | None = None,
                   working: WorkingTime | None = None) -> dict[str, dict[date, Decimal | None]]:
    """Per month: revenue per client, escalation rate, scope creep, founder hours, utilisation, logo churn."""
    work = work if work is not None else work_by_person_month(months)
    working = working or working_time()
    tickets = tickets if tickets is not None else tickets_by_month(months)
    series: dict[str, dict[date, Decimal | None]] = {key: {} for key in (
        "revenue_per_client", "escalation_rate", "scope_creep", "founder_hours", "utilisation", "logo_churn",
        "revenue_churn", "tenure", "sales_cycle")}
    cycles = {_month_key(row["month"]): row["days"] for row in won_between(months[0], month_last_day(months[-1]))
              .annotate(month=TruncMonth("excitement_on")).values("month").annotate(days=Avg(SALES_CYCLE))}
    tenure = _tenure_at(months)
    revenue = {row["period_start"]: row for row in Invoice.objects.filter(
        period_start__gte=previous_month(months[0]), period_start__lte=months[-1]).values("period_start").annotate(
        amount=Sum("subtotal"), clients=Count("client", distinct=True, filter=Q(kind=InvoiceKind.INVOICE)))}
    time_rows: dict[date, dict] = {}
    for row in work:
        month = time_rows.setdefault(row["month"], {"ticket_minutes": 0, "out_of_scope": 0, "owner": 0,
                                                    "productive": 0})
        month["ticket_minutes"] += row["ticket_minutes"] or 0
        month["out_of_scope"] += row["out_of_scope"] or 0
        if row["technician__role"] == Role.OWNER:
            month["owner"] += row["total"] or 0
        if row["technician__role"] == Role.TECHNICIAN:
            month["productive"] += row["ticket_minutes"] or 0
    capacity = User.objects.filter(role=Role.TECHNICIAN, is_active=True).aggregate(hours=Sum("weekly_hours"))["hours"]
    churned = {_month_key(row["month"]): row["n"] for row in Client.objects.filter(
        churned_on__gte=months[0], churned_on__lte=month_last_day(months[-1])).annotate(
        month=TruncMonth("churned_on")).values("month").annotate(n=Count("pk"))}
    lost: dict[date, Decimal] = {}  # revenue of clients churned in a month, as invoiced the month before
    for row in (Invoice.objects.filter(client__churned_on__gte=months[0],
                                       client__churned_on__lte=month_last_day(months[-1]),
                                       period_start__gte=previous_month(months[0]))
                .annotate(churn_month=TruncMonth("client__churned_on"))
                .values("churn_month", "period_start").annotate(amount=Sum("subtotal"))):
        churn_month = _month_key(row["churn_month"])
        if row["period_start"] == previous_month(churn_month):
            lost[churn_month] = row["amount"]
    active_at = _active_clients_at(months)
    for m in months:
        inv, tk, tm = revenue.get(m), tickets.get(m), time_rows.get(m)
        series["revenue_per_client"][m] = _d(inv["amount"] / inv["clients"], "1") if inv and inv["clients"] else None
        series["escalation_rate"][m] = _d(Decimal(tk["escalated"] * 100) / tk["total"]) if tk and tk["total"] else None
        minutes = (tm or {}).get("ticket_minutes") or 0
        series["scope_creep"][m] = _d(Decimal((tm or {}).get("out_of_scope") or 0) * 100 / minutes) if minutes else None
        weeks = working.weeks(m)
        series["founder_hours"][m] = _d(Decimal(tm["owner"] or 0) / 60 / weeks) if tm and weeks else None
        available = working.available_minutes(m, capacity or 0)
        series["utilisation"][m] = _d(Decimal(tm["productive"] or 0) * 100 / available) \
            if tm and available else None
        base = active_at.get(m) or 0
        series["logo_churn"][m] = _d(Decimal(churned.get(m, 0) * 100) / base) if base else None
        prior = revenue.get(previous_month(m))
        series["revenue_churn"][m] = _d(Decimal(lost.get(m) or 0) * 100 / prior["amount"]) \
            if prior and prior["amount"] else None
        series["tenure"][m] = _d(tenure[m].days / Decimal("365.25")) if tenure.get(m) else None
        series["sales_cycle"][m] = _d(cycles[m].days / Decimal(7)) if cycles.get(m) else None
    return series


def _tenure_at(months: list[date]) -> dict[date, timedelta | None]:
    """Average tenure of the clients served at each month's end (to that day, or to their churn), one query."""
    ends = {m: month_last_day(m) for m in months}
    averages = Client.objects.filter(client_since__isnull=False).aggregate(**{
        f"m{index}": Avg(ExpressionWrapper(Value(ends[m]) - F("client_since"), output_field=DurationField()),
                         filter=Q(client_since__lte=ends[m]) & (Q(churned_on__isnull=True) | Q(churned_on__gt=ends[m])))
        for index, m in enumerate(months)})
    return {m: averages[f"m{index}"] for index, m in enumerate(months)}


def _active_clients_at(months: list[date]) -> dict[date, int]:
    """Clients served on the first day of each month, counted in one query with a conditional count per month."""
    counts = Client.objects.filter(client_since__isnull=False).aggregate(**{
        f"m{index}": Count("pk", filter=Q(client_since__lt=m) & (Q(churned_on__isnull=True) | Q(churned_on__gte=m)))
        for index, m in enumerate(months)})
    return {m: counts[f"m{index}"] for index, m in enumerate(months)}


def utilisation_per_person(months: list[date], work: list[dict] | None = None,
                           working: WorkingTime | None = None) -> list[dict]:
    """Productive (ticket) minutes ÷ available minutes (the business hours of the MSP's calendar at the person's
    weekly hours, `working_time`), per technician per month, against 70-80%."""
    work = work if work is not None else work_by_person_month(months)
    working = working or working_time()
    staff = {u.pk: u for u in User.objects.filter(role=Role.TECHNICIAN)}
    people: dict[int, dict] = {}
    for row in work:
        user = staff.get(row["technician_id"])
        if user is None or not row["ticket_minutes"]:
            continue
        m = row["month"]
        available = working.available_minutes(m, user.weekly_hours)
        person = people.setdefault(user.pk, {"name": str(user), "months": {}})
        person["months"][m] = _d(Decimal(row["ticket_minutes"]) * 100 / available) if available else None
    result = []
    for person in sorted(people.values(), key=lambda p: p["name"]):
        values = [person["months"].get(m) for m in months]
        known = [v for v in values if v is not None]
        average = _d(sum(known) / len(known)) if known else None
        result.append({"name": person["name"], "values": values, "average": average,
                       "state": None if average is None else "saturation risk" if average > 80
                       else "capacity inefficiency" if average < 70 else "in band"})
    return result


def resolution_consistency(months: list[date]) -> list[dict]:
    """Per priority: mean resolution hours per technician and their spread (coefficient of variation)."""
    start, end = _span(months)
    per_tech = (Ticket.objects.filter(resolved_at__gte=start, resolved_at__lt=end, assignee__isnull=False)
                .values("priority", "assignee_id").annotate(
                    hours=Avg(ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField())),
                    n=Count("pk")).filter(n__gte=5))
    by_priority: dict[int, list[float]] = {}
    for row in per_tech:
        by_priority.setdefault(row["priority"], []).append(row["hours"].total_seconds() / 3600)
    result = []
    for priority in sorted(by_priority):
        values = by_priority[priority]
        mean = sum(values) / len(values)
        spread = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
        result.append({"priority": priority, "technicians": len(values), "mean_hours": _d(mean),
                       "fastest": _d(min(values)), "slowest": _d(max(values)),
                       "variation": _d(spread / mean * 100) if mean else None})
    return result


def tracked_share(months: list[date]) -> dict:
    """Tickets resolved in the window's last month, and how many of them have time logged."""
    start, end = _span(months[-1:])
    return Ticket.objects.filter(resolved_at__gte=start, resolved_at__lt=end).aggregate(
        total=Count("pk"), timed=Count("pk", filter=Q(Exists(TimeEntry.objects.filter(ticket=OuterRef("pk"))))))


# --- the five diagnostic signals (seed 003) ----------------------------------------------------------------------

@dataclass
class Signal:
    title: str
    on: bool
    evidence: str


def diagnostic_signals(months: list[date], margin: reports.MarginReport, series: dict,
                       work: list[dict] | None = None, tickets: dict[date, dict] | None = None) -> dict:
    work = work if work is not None else work_by_person_month(months)
    tickets = tickets if tickets is not None else tickets_by_month(months)
    half = len(months) // 2
    early, late = reports.combined(margin.series[:half]), reports.combined(margin.series[half:])
    rev_early, rev_late = early.revenue, late.revenue
    m_early = reports.gross_percent(early.revenue + early.commission, early.cost)
    m_late = reports.gross_percent(late.revenue + late.commission, late.cost)
    margin_signal = bool(m_early is not None and m_late is not None and rev_late > rev_early
                         and m_late < m_early - 1)
    signals = [Signal("Gross margin falling while revenue grows", margin_signal,
                      f"Revenue {rev_early:,.0f} → {rev_late:,.0f}; gross margin "
                      f"{_d(m_early)}% → {_d(m_late)}% (first vs second half of the window).")]

    recent = months[-3:]  # compare clients over the same recent quarter, both groups served throughout it
    recent_start, recent_end = _span(recent)
    year_ago = add_months(recent[0], -12)
    served = Q(client__churned_on__isnull=True) | Q(client__churned_on__gt=month_last_day(recent[-1]))
    new = Q(client__client_since__gte=year_ago, client__client_since__lt=recent[0])
    old = Q(client__client_since__lt=year_ago)
    users = Contact.objects.filter(served, is_billable_user=True).aggregate(
        new=Count("pk", filter=new), old=Count("pk", filter=old))
    load = Ticket.objects.filter(served, created_at__gte=recent_start, created_at__lt=recent_end).aggregate(
        new=Count("pk", filter=new), old=Count("pk", filter=old))
    new_rate = load["new"] / users["new"] if users["new"] else None
    old_rate = load["old"] / users["old"] if users["old"] else None
    complexity = bool(new_rate and old_rate and new_rate > old_rate * 1.25)
    signals.append(Signal("Each new client adds complexity, not routine", complexity,
                          f"Tickets per user over the last 3 months: clients won in the year before "
                          f"{new_rate or 0:.2f}, established clients {old_rate or 0:.2f} (signal above 1.25×)."))

    senior_rows = [r for r in work if r["technician__tier"] == 3 and r["technician__role"] == Role.TECHNICIAN]
    senior = {"total": sum(r["total"] or 0 for r in senior_rows),
              "account": sum(r["account"] or 0 for r in senior_rows)}
    share = Decimal(senior["account"] or 0) * 100 / senior["total"] if senior["total"] else Decimal(0)
    signals.append(Signal("Senior technicians do account management", share > 10,
                          f"Tier 3 technicians spent {_d(share)}% of their time on account management and sales "
                          "(signal above 10%)."))

    creep = [v for v in list(series["scope_creep"].values())[-6:] if v is not None]
    creeping = sum(1 for v in creep if v > 10)
    signals.append(Signal("Scope creep recurs", creeping >= 3,
                          f"Out-of-scope work above 10% of ticket time in {creeping} of the last {len(creep)} "
                          "months (signal: 3 or more)."))

    owner = {key: sum(row[key] for row in tickets.values())
             for key in ("total", "owner", "escalated", "owner_escalated")}
    owner_share = owner["owner"] * 100 / owner["total"] if owner["total"] else 0
    escalated_share = owner["owner_escalated"] * 100 / owner["escalated"] if owner["escalated"] else 0
    signals.append(Signal("The business depends on the owner", owner_share > 10 or escalated_share > 25,
                          f"The owner handles {owner_share:.1f}% of tickets and {escalated_share:.1f}% of escalated "
                          "ones (signal above 10% or 25%)."))
    count = sum(s.on for s in signals)
    verdict = ("Redesign: all five signals are on; the model needs fundamental redesign." if count == 5
               else "Structural issue: two or more signals together point at the operating model." if count >= 2
               else "No structural issue signalled." if count == 0 else "One signal: watch it.")
    return {"signals": signals, "count": count, "verdict": verdict}


# --- operational maturity (seed 004) -----------------------------------------------------------------------------

@dataclass
class Level:
    number: int
    name: str
    traits: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return all(ok for _, ok in self.traits)


def maturity(months: list[date], gross: Decimal | None, signals: dict, consistency: list[dict],
             utilisation: list[dict], commission_share: Decimal | None) -> dict:
    start, end = _span(months[-3:])  # delivery discipline now: the last quarter of the window
    resolved = tracked_share(months)
    tracked = resolved["timed"] * 100 / resolved["total"] if resolved["total"] else 0  # last month
    sla_met = resolution_sla_met(Ticket.objects.all(), start, end)["rate"] or 0
    averages = [p["average"] for p in utilisation if p["average"] is not None]
    team_util = sum(averages) / len(averages) if averages else Decimal(0)
    variation = [c["variation"] for c in consistency if c["variation"] is not None]
    spread = max(variation) if variation else None
    margin = gross or Decimal(-100)
    levels = [
        Level(1, "Beginning", [("Time is tracked (always true once work is logged here)", True)]),
        Level(2, "Emerging", [(f"Time tracked on 90%+ of tickets resolved last month ({tracked:.0f}%)",
                               tracked >= 90),
                              (f"Gross margin 35%+ ({_d(gross)}%)", margin >= 35)]),
        Level(3, "Scaling", [(f"Gross margin 45%+ ({_d(gross)}%)", margin >= 45),
                             (f"Resolution SLA met on 90%+ last quarter ({sla_met:.0f}%)", sla_met >= 90),
                             (f"Team utilisation 60-85% ({_d(team_util)}%)", 60 <= team_util <= 85)]),
        Level(4, "Optimizing", [(f"Gross margin 55%+ ({_d(gross)}%)", margin >= 55),
                                (f"Resolution SLA met on 95%+ last quarter ({sla_met:.0f}%)", sla_met >= 95),
                                (f"Resolution times vary under 50% between technicians (worst {spread}%)",
                                 spread is not None and spread < 50),
                                (f"Fewer than two diagnostic signals ({signals['count']})", signals["count"] < 2)]),
        Level(5, "Innovating", [(f"Gross margin 60%+ ({_d(gross)}%)", margin >= 60),
                                (f"Vendor partnerships: commission 5%+ of revenue ({commission_share}%)",
                                 (commission_share or 0) >= 5),
                                (f"No diagnostic signal ({signals['count']})", signals["count"] == 0)]),
    ]
    reached = 1
    for level in levels[1:]:
        if not level.met:
            break
        reached = level.number
    return {"level": reached, "levels": levels, "tracked": {"timed": resolved["timed"], "total": resolved["total"]}}


# --- the sales funnel (seed 000's six steps) -----------------------------------------------------------------------

def funnel(first: date, last: date) -> dict:
    """Leads that entered in the period, how many reached each step, and the conversion from step to step."""
    leads = Opportunity.objects.filter(awareness_on__gte=first, awareness_on__lte=last)
    counts = leads.aggregate(**{name: Count("pk", filter=Q(**{f"{name}__isnull": False})) for name in STEP_FIELDS},
                             lost=Count("pk", filter=Q(lost_on__isnull=False)))
    steps = []
    previous = None
    for (code, label, line), name in zip(STEPS, STEP_FIELDS, strict=True):
        reached = counts[name]
        rate = _d(Decimal(reached * 100) / previous) if previous else None
        steps.append({"code": code, "label": label, "line": line, "reached": reached, "conversion": rate})
        previous = reached
    return {"steps": steps, "lost": counts["lost"], "total": counts[STEP_FIELDS[0]]}


@transaction.atomic
def add_lead(opportunity: Opportunity, *, by=None) -> Opportunity:
    """A new lead at Awareness, owned by whoever added it."""
    opportunity.owner = opportunity.owner or by
    opportunity.full_clean()
    opportunity.save()
    record(by, opportunity, None)
    return opportunity


@transaction.atomic
def advance(opportunity: Opportunity, *, by=None, today: date | None = None) -> str:
    """Move a lead to its next step (today); reaching Excitement makes it a client. Returns the step's label."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    today = today or timezone.localdate()
    if opportunity.lost_on:
        raise ValidationError(f"{opportunity.name} is lost; add it again as a new lead if it comes back.")
    pending = [name for name in STEP_FIELDS if not getattr(opportunity, name)]
    if not pending:
        raise ValidationError(f"{opportunity.name} has reached Ascension already.")
    before = snapshot(opportunity)
    setattr(opportunity, pending[0], today)
    if pending[0] == "excitement_on" and opportunity.client_id is None:
        opportunity.client = _client_for(opportunity, today, by)
    opportunity.save()
    record(by, opportunity, before)
    return STEPS[STEP_FIELDS.index(pending[0])][1]


def _client_for(opportunity: Opportunity, today: date, by=None) -> Client:
    """A won lead becomes a client: the one of the same name (a prospect becomes active), or a new one."""
    client = Client.objects.filter(name__iexact=opportunity.name).first()
    if client is None:
        return client_services.create_client(by=by, name=opportunity.name, status=ClientStatus.ACTIVE,
                                             client_since=today, prospect_since=opportunity.awareness_on)
    if client.status == ClientStatus.PROSPECT:
        client_services.change_client_status(by=by, client=client, status=ClientStatus.ACTIVE, on=today)
    return client


@transaction.atomic
def lose(opportunity: Opportunity, *, by=None, today: date | None = None) -> Opportunity:
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if opportunity.excitement_on:
        raise ValidationError("A won opportunity cannot be lost; churn the client instead.")
    if opportunity.lost_on:
        raise ValidationError(f"{opportunity.name} is lost already.")
    before = snapshot(opportunity)
    opportunity.lost_on = today or timezone.localdate()
    opportunity.save(update_fields=["lost_on"])
    record(by, opportunity, before)
    return opportunity


@transaction.atomic
def save_readiness(*, answers: dict[str, int], by=None) -> ReadinessRun:
    """One sitting of the readiness assessment: every statement answered 0-4, scored per phase."""
    missing = [code for code in QUESTIONS if answers.get(code) not in (0, 1, 2, 3, 4)]
    if missing:
        raise ValidationError(f"Answer every statement: {len(missing)} left open. Nothing was saved.")
    run = ReadinessRun.objects.create(by=by, answers=answers, scores=score_answers(answers))
    record(by, run, None)
    return run


# --- the BSP Readiness Assessment (seed 000) ---------------------------------------------------------------------

def score_answers(answers: dict[str, int]) -> dict[str, int]:
    """0-100 per SCALE phase: the answers' share of the maximum (4 per statement); unanswered counts as 0."""
    scores = {}
    for letter, _, questions in PHASES:
        got = sum(min(max(int(answers.get(q.code, 0)), 0), 4) for q in questions)
        scores[letter] = int(to_places(Decimal(got * 100) / (4 * len(questions)), "1"))
    return scores


def verdict(scores: dict[str, int]) -> str:
    """Seed 000: 90+ everywhere: ready; below 50 in three phases: a clear starting point."""
    weak = [letter for letter, _, _ in PHASES if scores.get(letter, 0) < 50]
    if all(scores.get(letter, 0) >= 90 for letter, _, _ in PHASES):
        return "Ready: 90 or more in every phase — you run a Business Solution Partner."
    if len(weak) >= 3:
        return f"A clear starting point: below 50 in {len(weak)} phases; begin with {_phase_name(weak[0])}."
    return "On the way: strengthen the weakest phase first, earliest phase first."


def _phase_name(letter: str) -> str:
    return next(name for code, name, _ in PHASES if code == letter)


def priorities(answers: dict[str, int], limit: int = 10) -> list[dict]:
    """What to fix first: statements not yet 'mostly' true, earlier phases first (later phases amplify the
    foundation's weaknesses), then the weakest answer."""
    order = {letter: index for index, (letter, _, _) in enumerate(PHASES)}
    gaps = [{"phase": _phase_name(code[0].upper()), "text": QUESTIONS[code].text, "answer": int(answers.get(code, 0)),
             "order": (order[code[0].upper()], int(answers.get(code, 0)))}
            for code in QUESTIONS if int(answers.get(code, 0)) < 3]
    return sorted(gaps, key=lambda g: g["order"])[:limit]


# Evidence for statements a higher app holds the data for (the scorecard cannot import it): each app adds its
# function (today -> {code: (answer, evidence)}) when the project starts, as leadership.apps does.
READINESS_EVIDENCE: list[Callable[[date], dict[str, tuple[int, str]]]] = []


def add_readiness_evidence(evidence: Callable[[date], dict[str, tuple[int, str]]]) -> None:
    if evidence not in READINESS_EVIDENCE:
        READINESS_EVIDENCE.append(evidence)


def readiness_suggestions(context: dict) -> dict[str, tuple[int, str]]:
    """Answers the data can give: question code → (suggested answer, where it came from)."""
    figures = {f.key: f for f in context["scorecard"]["figures"]}
    suggestions: dict[str, tuple[int, str]] = {}

    def scale(ok_share: float) -> int:
        return 4 if ok_share >= 0.95 else 3 if ok_share >= 0.8 else 2 if ok_share >= 0.5 else 1 if ok_share > 0 else 0

    guards = context["guards"]
    if guards:
        above_floor = sum(not g.below_floor for g in guards) / len(guards)
        suggestions["s6"] = (scale(above_floor), f"{above_floor:.0%} of active agreements are at or above the floor.")
        with_value = [g for g in guards if g.ceiling is not None]
        if with_value:
            under = sum(not g.above_ceiling for g in with_value) / len(with_value)
            suggestions["s7"] = (scale(under), f"{under:.0%} of agreements with a value entered are under the ceiling.")
    sbr = [q for q in context["sbr"] if q["rate"] is not None]
    if sbr:
        last = sbr[-1]
        evidence = f"{last['rate']}% of the SBRs due in {last['label']} were held on time ({last['on_time']} of "
        suggestions["a1"] = (scale(float(last["rate"]) / 100), evidence + f"{last['due']}).")
    suggestions["c2"] = (3, "Tickets, time, assets and invoices already live in one system (bspos).")
    if context["sla_share"] is not None:
        suggestions["c3"] = (scale(context["sla_share"]), f"{context['sla_share']:.0%} of active agreements carry "
                                                          "an SLA plan.")
    signals = {s.title: s for s in context["signals"]["signals"]}
    owner = signals["The business depends on the owner"]
    suggestions["c7"] = (1 if owner.on else 3, owner.evidence)
    spread = [c["variation"] for c in context["consistency"] if c["variation"] is not None]
    if spread:
        worst = max(spread)
        suggestions["c8"] = (4 if worst < 25 else 3 if worst < 50 else 1, f"Resolution times vary up to {worst}% "
                                                                          "between technicians.")
    funnel_steps = context["funnel"]["steps"]
    running = sum(1 for s in funnel_steps if s["reached"])
    suggestions["a3"] = (int(to_places(Decimal(running * 4) / len(funnel_steps), "1")),
                         f"Leads reached {running} of the 6 steps this year.")
    for key, code in (("sales_cycle", "a7"), ("tenure", "a8"), ("founder_hours", "e5"), ("gross_margin", "e7")):
        figure = figures[key]
        if figure.value is not None:
            suggestions[code] = ({"bsp": 4, "between": 2, "msp": 0}[figure.place],
                                 f"{figure.band.label}: {figure.value} {figure.band.unit} ({figure.place} band).")
    if context["tracked_share"] is not None:
        suggestions["l5"] = (scale(context["tracked_share"]), f"{context['tracked_share']:.0%} of tickets resolved "
                                                              "last month have time logged.")
    creep = [v for v in context["series"]["scope_creep"].values() if v is not None]
    if creep:
        average = sum(creep) / len(creep)
        suggestions["l6"] = (4 if average < 5 else 2 if average < 10 else 0, f"Out-of-scope work averages "
                                                                             f"{_d(average)}% of ticket time.")
    people = [p for p in context["utilisation"] if p["average"] is not None]
    if people:
        in_band = sum(p["state"] == "in band" for p in people) / len(people)
        suggestions["l7"] = (scale(in_band), f"{in_band:.0%} of technicians average 70-80% utilisation.")
    senior = signals["Senior technicians do account management"]
    suggestions["e6"] = (1 if senior.on else 4, senior.evidence)
    for evidence in READINESS_EVIDENCE:  # higher apps' statements (leadership: the Hats Chart, 1:1s, … e1-e4)
        suggestions.update(evidence(context.get("today") or timezone.localdate()))
    # the ICP, solutions, values, vision and legal documents (s1-s5, c4-c6)
    suggestions.update(foundation_selectors.readiness_evidence(context.get("today") or timezone.localdate()))
    # prescriptive selling and the yearly pricing review (s8, a6), from the proposals
    suggestions.update(proposal_selectors.readiness_evidence(context.get("today") or timezone.localdate()))
    return suggestions


def client_satisfaction(months: list[date]) -> dict:
    """Contacts' ratings of tickets resolved in the window against the window of the same length before it."""
    start, end = _span(months)
    return satisfaction_between(start, end, month_span(add_months(months[0], -len(months)))[0])


def owner_view(months: list[date], today: date) -> dict:
    """Everything on the owner's page, for the given window of complete months."""
    margin = reports.margin_report(months)
    work, tickets, working = work_by_person_month(months), tickets_by_month(months), working_time()
    series = monthly_series(months, work, tickets, working)
    card = scorecard(months, margin, today, work)
    utilisation = utilisation_per_person(months, work, working)
    consistency = resolution_consistency(months)
    signals = diagnostic_signals(months, margin, series, work, tickets)
    totals = reports.combined(margin.series)
    gross = next(f.value for f in card["figures"] if f.key == "gross_margin")
    level = maturity(months, gross, signals, consistency, utilisation,
                     _d(totals.commission * 100 / totals.revenue) if totals.revenue else None)
    return {"months": months, "margin": margin, "series": series, "scorecard": card, "utilisation": utilisation,
            "consistency": consistency, "signals": signals, "maturity": level,
            "sbr": review_selectors.completion_by_quarter(Review.objects.all(), today),
            "satisfaction": client_satisfaction(months)}


def readiness_context(today: date) -> dict:
    """The data the readiness assessment pre-fills from (the last 12 complete months)."""
    months = months_ending(previous_month(today), 12)
    view = owner_view(months, today)
    active = Agreement.objects.in_force(today)
    agreements = list(active)
    resolved = view["maturity"]["tracked"]  # measured already for the maturity level
    with_sla = active.aggregate(n=Count("pk"), sla=Count("pk", filter=Q(sla_plan__isnull=False)))
    return {**view, "today": today, "guards": list(reports.guards_for(agreements, today).values()),
            "funnel": funnel(months[0], month_last_day(months[-1])),
            "sla_share": with_sla["sla"] / with_sla["n"] if with_sla["n"] else None,
            "tracked_share": resolved["timed"] / resolved["total"] if resolved["total"] else None}
