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

Each source is one aggregate query over all the quarters; Python only lays the sums out.
"""

from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Cast, ExtractMonth, ExtractYear, Power

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
FACTOR = DecimalField(max_digits=12, decimal_places=6)
NEVER = 10**6  # a month index past any end: an agreement without an end date
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


def _renewals_by(month: int):
    """How many renewals (the renewal date's month, then every term after it) fall on or before month index
    `month`; none without a renewal date."""
    return Case(When(renew_month__lte=month, then=(Value(month) - F("renew_month")) / F("term_months") + 1),
                default=Value(0), output_field=IntegerField())


def agreements_by_quarter(client: Client, quarters: list[FiscalQuarter], increase: Decimal) -> list[Decimal]:
    """Per quarter: the recurring agreements' fees for the months they are in force, risen at each renewal."""
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
                            fee=F("unit_price") * quantity))
    before = _index(quarters[0].first) - 1 if quarters else 0
    rise = Cast(Value(1 + increase / 100), FACTOR)
    sums = {}
    for n, quarter in enumerate(quarters):
        months = []
        for offset in range(3):
            month = _index(quarter.first) + offset
            factor = Power(rise, _renewals_by(month) - _renewals_by(before)) if increase else Value(Decimal(1))
            months.append(When(Q(start_month__lte=month, end_month__gte=month), then=F("fee") * factor))
        sums[f"q{n}"] = Sum(sum((Case(when, default=Value(Decimal(0)), output_field=AMOUNT) for when in months),
                                Value(Decimal(0), output_field=AMOUNT)), output_field=AMOUNT)
    totals = agreements.aggregate(**sums) if quarters else {}
    return [cents(totals[f"q{n}"]) for n in range(len(quarters))]


def hardware_by_quarter(client: Client, quarters: list[FiscalQuarter], today: date) -> tuple[list[dict], dict]:
    """Per quarter: the devices whose replace-by date falls in it and their estimated cost; those already past
    due in today's quarter; nothing in the quarters before it. Beside it: the devices without a purchase date."""
    policies = refresh_policies(client)
    unknown = Q(purchased_on__isnull=True)
    sums = {"unknown": Count("pk", filter=unknown), "unknown_cost": Sum("estimate", filter=unknown)}
    previous_last = None
    for n, quarter in enumerate(quarters):
        if quarter.last < today:
            continue
        due = replaced_by(policies, quarter.last)
        if previous_last is not None:
            due &= ~replaced_by(policies, previous_last)
        sums[f"cost_{n}"], sums[f"count_{n}"] = Sum("estimate", filter=due), Count("pk", filter=due)
        previous_last = quarter.last
    totals = lifecycle_devices(client, policies).aggregate(**sums)
    return ([{"cost": cents(totals.get(f"cost_{n}")), "count": totals.get(f"count_{n}") or 0}
             for n in range(len(quarters))],
            {"count": totals["unknown"], "estimate": cents(totals["unknown_cost"])})


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
