"""Gross margin per client and per service tier, and the pricing guard, computed in the database.

Gross margin = revenue (invoices net of credit notes, drafts included) + vendor commission − direct cost
(labour: minutes × the cost rate entered on each time entry; plus the client's tool and licence costs).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, F, Q, Sum

from bspos.agreements.models import Agreement
from bspos.assets.models import Asset, Lifecycle
from bspos.clients.models import Client, Contact
from bspos.core.dates import month_end as month_last_day
from bspos.core.dates import month_span, months_ending
from bspos.core.money import cents, maybe_places, to_places
from bspos.core.permissions import Can, can
from bspos.money.models import Commission, CostBasis, Invoice, InvoiceStatus, ToolCost
from bspos.money.services import (
    RECURRING_KINDS,
    active_devices,
    billable_users,
    recurring_quantity,
)
from bspos.servicedesk.models import TimeEntry

FLAG_POINTS = Decimal("15")  # a client more than this many points from its tier's average margin is flagged






def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {name: quote(model._meta.db_table) for name, model in {
        "entry": TimeEntry, "invoice": Invoice, "commission": Commission, "tool": ToolCost,
        "asset": Asset, "contact": Contact, "client": Client}.items()}


def _grid_sql(months: list[date], client_ids: list[int] | None = None) -> tuple[str, list]:
    """A CTE chain that yields one row per client and month: revenue, commission, labour and tool cost.

    With `client_ids`, every part is restricted to those clients (the planner then reads only their rows).
    """
    ops = connection.ops
    values, params = [], []
    for first in months:
        start, end = month_span(first)
        values.append("(%s, %s, %s, %s)")
        params += [ops.adapt_datefield_value(first), ops.adapt_datefield_value(month_last_day(first)),
                   ops.adapt_datetimefield_value(start), ops.adapt_datetimefield_value(end)]
    ids = list(client_ids) if client_ids is not None else None

    def only(column: str) -> str:
        """A client filter on `column`; its parameters are added in the order the filters appear."""
        if ids is None:
            return ""
        params.extend(ids)
        return f" AND {column} IN ({', '.join(['%s'] * len(ids))})" if ids else " AND 1 = 0"

    t = _tables()
    first, last = ops.adapt_datefield_value(months[0]), ops.adapt_datefield_value(months[-1])
    sql = f"""
    WITH months(m, m_last, m_start, m_end) AS (VALUES {", ".join(values)}),
    labour AS (
        SELECT e.client_id, mo.m, SUM(e.minutes * e.cost_rate) / 60.0 AS amount
        FROM {t["entry"]} e JOIN months mo ON e.started_at >= mo.m_start AND e.started_at < mo.m_end
        WHERE e.client_id IS NOT NULL{only("e.client_id")}
        GROUP BY e.client_id, mo.m),"""
    params += [first, last]
    sql += f"""
    revenue AS (
        SELECT i.client_id, i.period_start AS m, SUM(i.subtotal) AS amount
        FROM {t["invoice"]} i WHERE i.period_start >= %s AND i.period_start <= %s{only("i.client_id")}
        GROUP BY i.client_id, i.period_start),"""
    params += [InvoiceStatus.CREDITED.value, first, last]
    sql += f"""
    commission AS (
        SELECT c.client_id, c.period_start AS m, SUM(c.amount) AS amount
        FROM {t["commission"]} c JOIN {t["invoice"]} i ON i.id = c.invoice_id
        WHERE i.status <> %s AND c.period_start >= %s AND c.period_start <= %s{only("c.client_id")}
        GROUP BY c.client_id, c.period_start),"""
    params += [Lifecycle.ACTIVE.value]
    sql += f"""
    assets AS (SELECT client_id, COUNT(*) AS n FROM {t["asset"]} WHERE lifecycle = %s{only("client_id")}
               GROUP BY client_id),"""
    params += [True, True]
    sql += f"""
    users AS (SELECT client_id, COUNT(*) AS n FROM {t["contact"]}
              WHERE is_active = %s AND is_billable_user = %s{only("client_id")} GROUP BY client_id),"""
    params += [CostBasis.PER_ASSET.value, CostBasis.PER_USER.value]
    sql += f"""
    tools AS (
        SELECT tc.client_id, mo.m, SUM(tc.unit_cost * CASE tc.basis
                WHEN %s THEN COALESCE(a.n, 0) WHEN %s THEN COALESCE(u.n, 0) ELSE 1 END) AS amount
        FROM {t["tool"]} tc JOIN months mo ON tc.start_date <= mo.m_last
             AND (tc.end_date IS NULL OR tc.end_date >= mo.m)
        LEFT JOIN assets a ON a.client_id = tc.client_id LEFT JOIN users u ON u.client_id = tc.client_id
        WHERE 1 = 1{only("tc.client_id")}
        GROUP BY tc.client_id, mo.m),
    keys AS (SELECT client_id, m FROM labour UNION SELECT client_id, m FROM revenue
             UNION SELECT client_id, m FROM commission UNION SELECT client_id, m FROM tools),
    grid AS (
        SELECT k.client_id, k.m, COALESCE(r.amount, 0) AS revenue, COALESCE(co.amount, 0) AS commission,
               COALESCE(l.amount, 0) AS labour, COALESCE(tl.amount, 0) AS tools
        FROM keys k
        LEFT JOIN revenue r ON r.client_id = k.client_id AND r.m = k.m
        LEFT JOIN commission co ON co.client_id = k.client_id AND co.m = k.m
        LEFT JOIN labour l ON l.client_id = k.client_id AND l.m = k.m
        LEFT JOIN tools tl ON tl.client_id = k.client_id AND tl.m = k.m)
    """
    return sql, params


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
    """Per client over the window, with each client's tier average and spread by window functions; per month."""
    grid, params = _grid_sql(months)
    t = _tables()
    sql = f"""{grid},
    totals AS (
        SELECT g.client_id, SUM(g.revenue) AS revenue, SUM(g.commission) AS commission,
               SUM(g.labour) AS labour, SUM(g.tools) AS tools
        FROM grid g GROUP BY g.client_id),
    margins AS (
        SELECT c.id, c.name, c.service_tier, t.revenue, t.commission, t.labour, t.tools,
               t.revenue + t.commission - t.labour - t.tools AS margin,
               CASE WHEN t.revenue + t.commission > 0
                    THEN 100.0 * (t.revenue + t.commission - t.labour - t.tools) / (t.revenue + t.commission)
               END AS margin_pct
        FROM totals t JOIN {t["client"]} c ON c.id = t.client_id),
    spread AS (
        SELECT margins.*, AVG(margin_pct) OVER (PARTITION BY service_tier) AS tier_avg,
               MIN(margin_pct) OVER (PARTITION BY service_tier) AS tier_min,
               MAX(margin_pct) OVER (PARTITION BY service_tier) AS tier_max
        FROM margins),
    flags AS (
        SELECT spread.*, CASE WHEN margin_pct IS NOT NULL AND ABS(margin_pct - tier_avg) > %s THEN 1 ELSE 0 END
               AS flagged FROM spread),
    per_month AS (
        SELECT m, SUM(revenue) AS revenue, SUM(commission) AS commission, SUM(labour) + SUM(tools) AS cost
        FROM grid GROUP BY m)
    SELECT 'client' AS row_kind, id, name, service_tier, revenue, commission, labour, tools, margin, margin_pct,
           tier_avg, tier_min, tier_max, flagged, COUNT(*) OVER (PARTITION BY service_tier) AS tier_clients,
           SUM(flagged) OVER (PARTITION BY service_tier) AS tier_flagged, NULL AS m
    FROM flags
    UNION ALL
    SELECT 'month', NULL, NULL, NULL, revenue, commission, cost, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           NULL, m
    FROM per_month"""
    # One statement: the grid is computed once for the per-client rows and the per-month series.
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, float(FLAG_POINTS)])  # a number, not text, on SQLite too
        rows = cursor.fetchall()
    clients, tiers, by_month = [], {}, {}
    for (kind, pk, name, tier, revenue, commission, labour, tools, margin, pct, avg, low, high, flagged, tier_clients,
         tier_flagged, m) in rows:
        if kind == "month":
            by_month[_as_date(m)] = (revenue, commission, labour)
            continue
        clients.append(ClientMargin(pk, name, tier or "", cents(revenue), cents(commission), cents(labour),
                                    cents(tools), cents(margin), _pct(pct), _pct(avg), _pct(low), _pct(high),
                                    bool(flagged)))
        tiers[tier or ""] = TierSpread(tier or "", tier_clients, _pct(avg), _pct(low), _pct(high), int(tier_flagged))
    series = [MonthMargin(m, *(cents(v) for v in by_month.get(m, (0, 0, 0)))) for m in months]
    clients.sort(key=lambda row: (row.margin_pct is None, row.margin_pct or 0, row.name))  # lowest margin first
    return MarginReport(months, clients, series, sorted(tiers.values(), key=lambda t: t.tier))


def client_months(client_id: int, months: list[date]) -> list[MonthMargin]:
    """One client's revenue, commission and direct cost per month (the gross margin per client per month)."""
    grid, params = _grid_sql(months, [client_id])
    with connection.cursor() as cursor:
        cursor.execute(f"{grid} SELECT m, SUM(revenue), SUM(commission), SUM(labour) + SUM(tools) FROM grid "
                       "GROUP BY m", params)
        by_month = {_as_date(m): (revenue, commission, cost) for m, revenue, commission, cost in cursor.fetchall()}
    return [MonthMargin(m, *(cents(v) for v in by_month.get(m, (0, 0, 0)))) for m in months]


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
    with connection.cursor() as cursor:
        grid, params = _grid_sql(months, sorted(client_ids))
        cursor.execute(f"{grid} SELECT client_id, SUM(tools) FROM grid GROUP BY client_id", params)
        tools = {pk: Decimal(str(v or 0)) for pk, v in cursor.fetchall()}
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
