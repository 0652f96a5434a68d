"""Gross margin per client and per service tier, and the pricing guard, computed in the database.

Gross margin = revenue (invoices net of credit notes, drafts included) + vendor commission − direct cost
(labour: minutes × the cost rate entered on each time entry; plus the client's tool and licence costs).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from bspos.agreements.models import Agreement
from bspos.assets.models import Asset, Lifecycle
from bspos.clients.models import Client, Contact
from bspos.core.dates import month_end as month_last_day
from bspos.core.dates import month_span, month_start, months_ending
from bspos.core.money import cents, maybe_places, to_places
from bspos.core.permissions import Can, can
from bspos.money.models import Commission, CostBasis, Invoice, InvoiceKind, InvoiceStatus, ToolCost
from bspos.money.services import (
    RECURRING_KINDS,
    active_devices,
    billable_users,
    recurring_quantity,
)
from bspos.servicedesk.models import TimeEntry

FLAG_POINTS = Decimal("15")  # a client more than this many points from its tier's average margin is flagged

# Where the per-client-month figures come from: the raw rows (`live_month_figures`) unless a higher app supplies
# stored ones (the monthly roll-ups, `rollups.apps`, which fall back to the raw rows for months not stored).
_month_figures_source: Callable[[list[date], list[int] | None], list[dict]] | None = None


def supply_month_figures(source: Callable[[list[date], list[int] | None], list[dict]] | None) -> None:
    """Register the function that gives `live_month_figures`'s rows for a window (called once at start-up)."""
    global _month_figures_source
    _month_figures_source = source


def month_figures(months: list[date], client_ids: list[int] | None = None) -> list[dict]:
    """Per client and month of the window: revenue, invoices, commission, labour minutes and labour × minutes."""
    source = _month_figures_source or live_month_figures
    return source(months, client_ids)


def _as_month(value) -> date:
    """A database month (TruncMonth gives an aware datetime, a date, or text on SQLite) as its first day."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return month_start(_as_date(value))


def live_month_figures(months: list[date], client_ids: list[int] | None = None) -> list[dict]:
    """From the raw rows, per client and month: `revenue` (invoices net of credit notes, drafts included, by the
    month they bill), `invoices` (how many of kind invoice), `commission` (on invoices not credited), labour
    `labour_minutes` and `labour_rate_minutes` (minutes × the cost rate on each entry; ÷ 60 is the labour cost)."""
    wanted = set(months)
    first, last = min(months), month_last_day(max(months))
    start, end = month_span(first)[0], month_span(last)[1]
    only = Q(client_id__in=client_ids) if client_ids is not None else Q()
    rows: dict[tuple[int, date], dict] = {}

    def add(client_id: int, month, **figures) -> None:
        month = _as_month(month)
        if month in wanted:
            row = rows.setdefault((client_id, month), {
                "client_id": client_id, "month": month, "revenue": Decimal(0), "invoices": 0,
                "commission": Decimal(0), "labour_minutes": 0, "labour_rate_minutes": Decimal(0)})
            row.update({name: value or 0 for name, value in figures.items()})

    for row in (Invoice.objects.filter(only, period_start__gte=first, period_start__lte=last)
                .annotate(month=TruncMonth("period_start")).values("client_id", "month")
                .annotate(revenue=Sum("subtotal"), invoices=Count("pk", filter=Q(kind=InvoiceKind.INVOICE)))
                .order_by()):
        add(**row)
    for row in (Commission.objects.filter(only, period_start__gte=first, period_start__lte=last)
                .exclude(invoice__status=InvoiceStatus.CREDITED).annotate(month=TruncMonth("period_start"))
                .values("client_id", "month").annotate(commission=Sum("amount")).order_by()):
        add(**row)
    for row in (TimeEntry.objects.filter(only, client_id__isnull=False, started_at__gte=start, started_at__lt=end)
                .annotate(month=TruncMonth("started_at")).values("client_id", "month")
                .annotate(labour_minutes=Sum("minutes"), labour_rate_minutes=Sum(
                    F("minutes") * F("cost_rate"), output_field=DecimalField(max_digits=20, decimal_places=2)))
                .order_by()):
        add(**row)
    return list(rows.values())


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {name: quote(model._meta.db_table) for name, model in {
        "tool": ToolCost, "asset": Asset, "contact": Contact}.items()}


def tool_costs(months: list[date], client_ids: list[int] | None = None) -> dict[tuple[int, date], Decimal]:
    """Tool and licence cost per client and month: each cost in force in the month × today's count of the client's
    active assets or billable users (per asset / per user) or once (flat). Computed live: the counts are today's."""
    ops = connection.ops
    values, params = [], []
    for first in months:
        values.append("(%s, %s)")
        params += [ops.adapt_datefield_value(first), ops.adapt_datefield_value(month_last_day(first))]
    ids = list(client_ids) if client_ids is not None else None

    def only(column: str) -> str:
        """A client filter on `column`; its parameters are added in the order the filters appear."""
        if ids is None:
            return ""
        params.extend(ids)
        return f" AND {column} IN ({', '.join(['%s'] * len(ids))})" if ids else " AND 1 = 0"

    t = _tables()
    params.append(Lifecycle.ACTIVE.value)
    sql = f"""
    WITH months(m, m_last) AS (VALUES {", ".join(values)}),
    assets AS (SELECT client_id, COUNT(*) AS n FROM {t["asset"]} WHERE lifecycle = %s{only("client_id")}
               GROUP BY client_id),"""
    params += [True, True]
    sql += f"""
    users AS (SELECT client_id, COUNT(*) AS n FROM {t["contact"]}
              WHERE is_active = %s AND is_billable_user = %s{only("client_id")} GROUP BY client_id)"""
    params += [CostBasis.PER_ASSET.value, CostBasis.PER_USER.value]
    sql += f"""
    SELECT tc.client_id, mo.m, SUM(tc.unit_cost * CASE tc.basis
            WHEN %s THEN COALESCE(a.n, 0) WHEN %s THEN COALESCE(u.n, 0) ELSE 1 END) AS amount
    FROM {t["tool"]} tc JOIN months mo ON tc.start_date <= mo.m_last AND (tc.end_date IS NULL OR tc.end_date >= mo.m)
    LEFT JOIN assets a ON a.client_id = tc.client_id LEFT JOIN users u ON u.client_id = tc.client_id
    WHERE 1 = 1{only("tc.client_id")}
    GROUP BY tc.client_id, mo.m"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(pk, _as_date(m)): Decimal(str(amount or 0)) for pk, m, amount in cursor.fetchall()}


@dataclass
class _Grid:
    """Revenue, commission, labour cost and tool cost per client and month, unrounded."""

    cells: dict[tuple[int, date], list[Decimal]]

    @classmethod
    def load(cls, months: list[date], client_ids: list[int] | None = None) -> "_Grid":
        cells: dict[tuple[int, date], list[Decimal]] = {}
        for row in month_figures(months, client_ids):
            cells[(row["client_id"], row["month"])] = [Decimal(row["revenue"]), Decimal(row["commission"]),
                                                        Decimal(row["labour_rate_minutes"]) / 60, Decimal(0)]
        for key, amount in tool_costs(months, client_ids).items():
            cells.setdefault(key, [Decimal(0)] * 4)[3] = amount
        return cls(cells)

    def per_month(self, months: list[date]) -> list["MonthMargin"]:
        totals = {m: [Decimal(0)] * 3 for m in months}
        for (_, m), (revenue, commission, labour, tools) in self.cells.items():
            if m in totals:
                total = totals[m]
                total[0] += revenue
                total[1] += commission
                total[2] += labour + tools
        return [MonthMargin(m, *(cents(v) for v in totals[m])) for m in months]


@dataclass
class ClientMargin:
    client_id: int
    name: str
    tier: str
    revenue: Decimal
    commission: Decimal
    labour: Decimal
    tools: Decimal
    margin: Decimal
    margin_pct: Decimal | None
    tier_avg: Decimal | None
    tier_min: Decimal | None
    tier_max: Decimal | None
    flagged: bool

    @property
    def cost(self) -> Decimal:
        return self.labour + self.tools


@dataclass
class MonthMargin:
    month: date
    revenue: Decimal
    commission: Decimal
    cost: Decimal

    @property
    def margin_pct(self) -> Decimal | None:
        income = self.revenue + self.commission
        return to_places((income - self.cost) * 100 / income) if income > 0 else None


def gross_percent(income: Decimal, cost: Decimal) -> Decimal | None:
    """Gross margin as a percentage of income, unrounded; None without income."""
    return (income - cost) * 100 / income if income else None


def combined(series: list[MonthMargin]) -> MonthMargin:
    """Several months' revenue, commission and cost added up (labelled with the first month)."""
    return MonthMargin(series[0].month if series else None, sum((m.revenue for m in series), Decimal(0)),
                       sum((m.commission for m in series), Decimal(0)), sum((m.cost for m in series), Decimal(0)))


@dataclass
class TierSpread:
    tier: str
    clients: int
    average: Decimal | None
    lowest: Decimal | None
    highest: Decimal | None
    flagged: int


@dataclass
class MarginReport:
    months: list[date]
    clients: list[ClientMargin]
    series: list[MonthMargin]
    tiers: list[TierSpread]
    flag_points: Decimal = FLAG_POINTS


def _pct(value) -> Decimal | None:
    return maybe_places(value)


def margin_report(months: list[date]) -> MarginReport:
    """Per client over the window, with each client's tier average and spread; per month."""
    grid = _Grid.load(months)
    totals: dict[int, list[Decimal]] = {}
    for (pk, _), cell in grid.cells.items():
        total = totals.setdefault(pk, [Decimal(0)] * 4)
        for index, value in enumerate(cell):
            total[index] += value
    clients_of = {pk: (name, tier or "") for pk, name, tier in Client.objects.filter(pk__in=list(totals))
                  .values_list("pk", "name", "service_tier")}
    rows = []
    for pk, (revenue, commission, labour, tools) in totals.items():
        income, margin = revenue + commission, revenue + commission - labour - tools
        rows.append((pk, *clients_of[pk], revenue, commission, labour, tools, margin,
                     margin * 100 / income if income > 0 else None))
    by_tier: dict[str, list[Decimal]] = {}
    for row in rows:
        if row[-1] is not None:
            by_tier.setdefault(row[2], []).append(row[-1])
    spread = {tier: (sum(pcts) / len(pcts), min(pcts), max(pcts)) for tier, pcts in by_tier.items()}
    clients, tiers = [], {}
    for pk, name, tier, revenue, commission, labour, tools, margin, pct in rows:
        avg, low, high = spread.get(tier, (None, None, None))
        flagged = pct is not None and abs(pct - avg) > FLAG_POINTS
        clients.append(ClientMargin(pk, name, tier, cents(revenue), cents(commission), cents(labour), cents(tools),
                                    cents(margin), _pct(pct), _pct(avg), _pct(low), _pct(high), flagged))
        seen = tiers.setdefault(tier, TierSpread(tier, 0, _pct(avg), _pct(low), _pct(high), 0))
        seen.clients += 1
        seen.flagged += flagged
    clients.sort(key=lambda row: (row.margin_pct is None, row.margin_pct or 0, row.name))  # lowest margin first
    return MarginReport(months, clients, grid.per_month(months), sorted(tiers.values(), key=lambda t: t.tier))


def client_months(client_id: int, months: list[date]) -> list[MonthMargin]:
    """One client's revenue, commission and direct cost per month (the gross margin per client per month)."""
    return _Grid.load(months, [client_id]).per_month(months)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def chart(series: list[MonthMargin], width: int = 600, height: int = 160) -> dict:
    """Bar positions for revenue and cost per month, and the margin % labels, for an inline SVG."""
    top = max([max(m.revenue + m.commission, m.cost) for m in series] + [Decimal(1)])
    step = width / max(len(series), 1)
    bars = []
    for index, month in enumerate(series):
        income_h = float((month.revenue + month.commission) / top) * (height - 30)
        cost_h = float(month.cost / top) * (height - 30)
        x = index * step
        bars.append({"month": month, "x": round(x + step * 0.1, 1), "w": round(step * 0.38, 1),
                     "cost_x": round(x + step * 0.5, 1), "income_y": round(height - 20 - income_h, 1),
                     "income_h": round(income_h, 1), "cost_y": round(height - 20 - cost_h, 1),
                     "cost_h": round(cost_h, 1), "label_x": round(x + step / 2, 1)})
    return {"bars": bars, "width": width, "height": height, "base": height - 20}


# --- Pricing guard (seed 000) -------------------------------------------------------------------------------

FLAGS = {"below": "Below the floor", "above": "Above the ceiling", "any": "Outside floor or ceiling"}
MAX_FLAG_SCAN = 5000  # the flag filter computes the guard for this many agreements at most


def sees_pricing_guard(user) -> bool:
    """The guard shows direct cost, so only people who set prices see it."""
    return can(user, Can.AGREEMENTS_WRITE) or can(user, Can.FINANCE)


@dataclass(frozen=True)
class Guard:
    price: Decimal
    direct_cost: Decimal
    floor: Decimal
    ceiling: Decimal | None

    @property
    def below_floor(self) -> bool:
        return self.price < self.floor

    @property
    def above_ceiling(self) -> bool:
        return self.ceiling is not None and self.price > self.ceiling

    @property
    def verdict(self) -> str:
        if self.below_floor:
            return "below floor"
        if self.above_ceiling:
            return "above ceiling"
        return "within" if self.ceiling is not None else "no value entered"


def guard(price: Decimal, cost_of_three_months: Decimal, monthly_value: Decimal | None) -> Guard:
    """Floor = 3 × the direct monthly cost (average of the last three months); ceiling = value delivered ÷ 3."""
    cost = cents(cost_of_three_months / 3)
    ceiling = cents(monthly_value / 3) if monthly_value is not None else None
    return Guard(price=price, direct_cost=cost, floor=cost * 3, ceiling=ceiling)


def monthly_price(agreement: Agreement, users: int, devices: int, billed_minutes_3m: int) -> Decimal:
    """What the agreement brings in a month now: its recurring fee, or for T&M the average billed time."""
    if agreement.kind in RECURRING_KINDS:
        amount = agreement.unit_price * recurring_quantity(agreement, users, devices)
    else:
        amount = agreement.hourly_rate * billed_minutes_3m / 60 / 3
    return cents(amount)


def guards_for(agreements: list[Agreement], today: date) -> dict[int, Guard]:
    """Pricing guard for each agreement, from the last three complete months of actual cost (in the database).

    Direct cost of an agreement = labour on its tickets + the client's tool costs shared equally among the
    client's agreements active today.
    """
    if not agreements:
        return {}
    months = months_ending(today, 4)[:3]
    start, end = month_span(months[0])[0], month_span(months[-1])[1]
    ids = [a.pk for a in agreements]
    client_ids = {a.client_id for a in agreements}
    tools: dict[int, Decimal] = {}
    for (pk, _), amount in tool_costs(months, sorted(client_ids)).items():
        tools[pk] = tools.get(pk, Decimal(0)) + amount
    cost = Sum(F("minutes") * F("cost_rate"), output_field=DecimalField()) / 60
    rows = list(TimeEntry.objects.filter(client_id__in=client_ids, ticket__agreement_id__in=ids, started_at__gte=start,
                                     started_at__lt=end)
                .values_list("ticket__agreement_id")
                .annotate(cost=cost, billed=Sum("minutes", filter=Q(billable=True))))
    labour = {pk: labour for pk, labour, _ in rows}
    billed = {pk: minutes for pk, _, minutes in rows}
    sharing = dict(Agreement.objects.in_force(today).filter(client_id__in=client_ids).values_list("client_id")
                   .annotate(n=Count("pk")))
    users, devices = billable_users(Q(client_id__in=client_ids)), active_devices(Q(client_id__in=client_ids))
    result = {}
    for agreement in agreements:
        share = tools.get(agreement.client_id, Decimal(0)) / max(sharing.get(agreement.client_id, 1), 1)
        cost = Decimal(str(labour.get(agreement.pk) or 0)) + share
        price = monthly_price(agreement, users.get(agreement.client_id, 0), devices.get(agreement.client_id, 0),
                              billed.get(agreement.pk) or 0)
        result[agreement.pk] = guard(price, cost, agreement.monthly_value)
    return result


def flagged_ids(agreements, flag: str, today: date) -> list[int]:
    """The ids of the agreements (the first MAX_FLAG_SCAN) whose price is outside the guard's floor or ceiling."""
    keep = {"below": lambda g: g.below_floor, "above": lambda g: g.above_ceiling,
            "any": lambda g: g.below_floor or g.above_ceiling}[flag]
    guards = guards_for(list(agreements[:MAX_FLAG_SCAN]), today)
    return [pk for pk, verdict in guards.items() if keep(verdict)]
