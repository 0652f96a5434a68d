"""The budget forecast of one client: its fiscal years by quarter, from three sources.

- **Agreements** with a recurring fee (per user, per device, flat, block of hours; time & materials has none): the
  fee of today's count (users, devices, the contracted quantity) in every month the agreement is in force on at
  least one day; an agreement without an end date runs on, renewing at its renewal date and every term after it,
  and each renewal in the forecast raises the fee by the client's expected price rise (`PlanSettings`).
- **Roadmap items the client approved** (planned, in progress, done): one-time in their quarter, monthly from it
  (`vcio.selectors.roadmap_by_quarter`, the IT budget's rule).
- **Hardware replacements** from the lifecycle report: each device's estimated cost in the quarter of its
  replace-by date; devices already past due in the current quarter. Devices without a purchase date have none and
  are reported beside the forecast, not in it.

Each source is one grouped query over all the quarters; Python only lays the sums out (and raises the agreements'
sums by the price rise, exactly).
"""

from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, DecimalField, ExpressionWrapper, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Cast, ExtractMonth, ExtractYear

from bspos.agreements.models import Agreement, AgreementKind
from bspos.clients.models import Client
from bspos.core.dates import FiscalQuarter, fiscal_quarters
from bspos.core.money import cents
from bspos.money.services import RECURRING_KINDS, active_devices, billable_users
from bspos.reviews.lifecycle import lifecycle_devices, refresh_policies, replaced_by
from bspos.reviews.models import PlanSettings
from bspos.vcio.models import RoadmapItem
from bspos.vcio.selectors import APPROVED, by_year, roadmap_by_quarter

AMOUNT = DecimalField(max_digits=18, decimal_places=2)
NEVER = 10**6  # a month index past any end: an agreement without an end date
UNKNOWN, BEYOND = -1, -2  # a device without a purchase date; one due after the forecast
FIELDS = ("agreements", "one_time", "monthly", "hardware", "total")
YEARS = 3


def _index(day: date) -> int:
    return day.year * 12 + day.month


def _month_index(field: str):
    """year × 12 + month of a date column, as an integer (PostgreSQL's EXTRACT is numeric; the renewals' division
    must be whole-number division on both databases)."""
    return Cast(ExtractYear(field) * 12 + ExtractMonth(field), IntegerField())


def renewal_increase(client: Client) -> Decimal:
    """The client's expected price rise per agreement renewal, in percent (0 unless set)."""
    settings = PlanSettings.objects.filter(client=client).only("renewal_increase").first()
    return settings.renewal_increase if settings else Decimal("0")


def _renewals_by(month: str) -> str:
    """SQL: how many renewals (the renewal date's month, then every term after it) fall on or before the month
    index `month`; none without a renewal date (NULL compares false)."""
    return f"(CASE WHEN a.renew_month <= {month} THEN ({month} - a.renew_month) / a.term_months + 1 ELSE 0 END)"


def agreements_by_quarter(client: Client, quarters: list[FiscalQuarter], increase: Decimal) -> list[Decimal]:
    """Per quarter: the recurring agreements' fees for the months they are in force, risen at each renewal.

    One grouped query: the client's agreements (compiled by the ORM, with their months as integer indices) joined
    to the forecast's months, summing the fees per quarter and number of renewals so far; Python then applies
    (1 + rise)^renewals to those few sums exactly, in Decimal."""
    if not quarters:
        return []
    users = billable_users(Q(client=client)).get(client.pk, 0)
    devices = active_devices(Q(client=client)).get(client.pk, 0)
    quantity = Case(When(kind=AgreementKind.PER_USER, then=Value(Decimal(users))),
                    When(kind=AgreementKind.PER_DEVICE, then=Value(Decimal(devices))),
                    default=F("quantity"), output_field=AMOUNT)
    agreements = (Agreement.objects.filter(client=client, kind__in=RECURRING_KINDS, unit_price__gt=0)
                  .annotate(start_month=_month_index("start_date"),
                            end_month=Case(When(end_date__isnull=True, then=Value(NEVER)),
                                           default=_month_index("end_date"), output_field=IntegerField()),
                            renew_month=_month_index("renewal_date"),
                            fee=ExpressionWrapper(F("unit_price") * quantity, output_field=AMOUNT))
                  .order_by().values("fee", "start_month", "end_month", "renew_month", "term_months"))
    inner, inner_params = agreements.query.sql_with_params()
    months = [(n, _index(quarter.first) + offset) for n, quarter in enumerate(quarters) for offset in range(3)]
    before = str(_index(quarters[0].first) - 1)  # renewals before the forecast are in today's fee already
    sql = (f"WITH months(q, m) AS (VALUES {', '.join(['(%s, %s)'] * len(months))}) "
           f"SELECT months.q, {_renewals_by('months.m')} - {_renewals_by(before)}, SUM(a.fee) "
           f"FROM ({inner}) a JOIN months ON a.start_month <= months.m AND a.end_month >= months.m GROUP BY 1, 2")
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for month in months for value in month] + list(inner_params))
        rows = cursor.fetchall()
    rise, totals = 1 + increase / 100, [Decimal(0)] * len(quarters)
    for quarter, renewals, fees in rows:
        totals[quarter] += Decimal(str(fees)) * rise ** int(renewals)
    return [cents(total) for total in totals]


def hardware_by_quarter(client: Client, quarters: list[FiscalQuarter], today: date) -> tuple[list[dict], dict]:
    """Per quarter: the devices whose replace-by date falls in it and their estimated cost; those already past
    due in today's quarter; nothing in the quarters before it. Beside it: the devices without a purchase date.
    One grouped query: each device's quarter is the first whose last day its replace-by date is on or before."""
    policies = refresh_policies(client)
    whens = [When(purchased_on__isnull=True, then=Value(UNKNOWN))]
    for n, quarter in enumerate(quarters):
        if quarter.last >= today:
            whens += [When(replaced_by({asset_type: policy}, quarter.last), then=Value(n))
                      for asset_type, policy in policies.items()]
    rows = (lifecycle_devices(client, policies)
            .annotate(due_quarter=Case(*whens, default=Value(BEYOND), output_field=IntegerField()))
            .values("due_quarter").annotate(cost=Sum("estimate"), count=Count("pk")).order_by())
    found = {row["due_quarter"]: row for row in rows}
    empty = {"cost": None, "count": 0}
    unknown = found.get(UNKNOWN, empty)
    return ([{"cost": cents(found.get(n, empty)["cost"]), "count": found.get(n, empty)["count"]}
             for n in range(len(quarters))],
            {"count": unknown["count"], "estimate": cents(unknown["cost"])})


def for_json(forecast: dict) -> dict:
    """The forecast without its FiscalQuarter objects (the SBR pack stores it as JSON; the API returns it)."""
    return {**forecast, "quarters": [{key: value for key, value in row.items() if key != "quarter"}
                                     for row in forecast["quarters"]]}


def budget_forecast(client: Client, *, today: date, years: int = YEARS) -> dict:
    """The client's forecast for `years` fiscal years from the current one, by quarter and by year."""
    quarters = fiscal_quarters(client.fiscal_quarter(today).year, client.fiscal_year_start, years)
    increase = renewal_increase(client)
    agreements = agreements_by_quarter(client, quarters, increase)
    roadmap = roadmap_by_quarter(RoadmapItem.objects.filter(client=client, status__in=APPROVED), quarters)
    hardware, unknown = hardware_by_quarter(client, quarters, today)
    rows = []
    for quarter, fees, items, devices in zip(quarters, agreements, roadmap, hardware, strict=True):
        rows.append({"quarter": quarter, "label": quarter.label, "span": quarter.span, "first": quarter.first,
                     "agreements": fees, "one_time": items["one_time"], "monthly": items["recurring"],
                     "hardware": devices["cost"], "devices": devices["count"],
                     "total": fees + items["one_time"] + items["recurring"] + devices["cost"]})
    years_rows = by_year(rows, FIELDS)
    return {"client": client.name, "today": today, "renewal_increase": increase, "rises": increase > 0,
            "years_label": f"{years_rows[0]['label']}–{years_rows[-1]['label']}" if years_rows else "",
            "quarters": rows,
            "unknown_devices": unknown,
            "years": years_rows, "total": sum((row["total"] for row in rows), Decimal("0.00"))}
