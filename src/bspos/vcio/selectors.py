"""Reads for the vCIO: the roadmap's money by the client's fiscal quarters and years (the IT budget).

Figures are summed in the database; Python only lays the grouped sums out by quarter.
"""

from decimal import Decimal

from django.db.models import Case, DecimalField, ExpressionWrapper, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from bspos.clients.models import Client
from bspos.core.dates import FiscalQuarter, fiscal_quarters
from bspos.core.money import cents
from bspos.vcio.models import RoadmapItem, RoadmapStatus

AMOUNT = DecimalField(max_digits=18, decimal_places=2)
APPROVED = [RoadmapStatus.PLANNED, RoadmapStatus.IN_PROGRESS, RoadmapStatus.DONE]  # the client said yes


def this_fiscal_year(client: Client) -> int:
    return client.fiscal_quarter(timezone.localdate()).year


def budget_quarters(client: Client, first_year: int | None = None, years: int = 3) -> list[FiscalQuarter]:
    """The client's fiscal quarters of `years` years from `first_year` (default: the current fiscal year)."""
    return fiscal_quarters(first_year or this_fiscal_year(client), client.fiscal_year_start, years)


def _months_of(quarter: FiscalQuarter):
    """Months of `quarter` an item's monthly investment runs in: all three once it has started, the months from
    its own quarter's first day when that is inside (a fiscal year moved after it was planned), else none."""
    end = quarter.next().first
    return Case(When(quarter__lte=quarter.first, then=Value(3)),
                When(quarter__lt=end, then=Value(12 * end.year + end.month) - F("year") * 12 - F("month")),
                default=Value(0), output_field=IntegerField())


def roadmap_by_quarter(items: QuerySet[RoadmapItem], quarters: list[FiscalQuarter]) -> list[dict]:
    """Per quarter: the one-time investments planned in it and the monthly ones running in it (from their quarter
    on). One aggregate query for every quarter."""
    items = items.annotate(year=ExtractYear("quarter"), month=ExtractMonth("quarter"))
    sums = {}
    for n, quarter in enumerate(quarters):
        sums[f"one_{n}"] = Sum("one_time", filter=Q(quarter__gte=quarter.first, quarter__lt=quarter.next().first))
        sums[f"monthly_{n}"] = Sum(ExpressionWrapper(F("monthly") * _months_of(quarter), output_field=AMOUNT))
    totals = items.aggregate(**sums) if quarters else {}
    rows = []
    for n, quarter in enumerate(quarters):
        one, monthly = totals[f"one_{n}"] or Decimal(0), totals[f"monthly_{n}"] or Decimal(0)
        rows.append({"quarter": quarter, "one_time": cents(one), "recurring": cents(monthly),
                     "total": cents(one + monthly)})
    return rows


def by_year(rows: list[dict], fields: tuple[str, ...]) -> list[dict]:
    """Quarter rows summed per fiscal year, with the calendar dates each year covers."""
    years: dict[int, dict] = {}
    for row in rows:
        quarter = row["quarter"]
        year = years.setdefault(quarter.year, {"year": quarter.year, "label": f"FY{quarter.year}",
                                               "first": quarter.first, **{name: Decimal(0) for name in fields}})
        year["last"] = quarter.last
        for name in fields:
            year[name] += row[name]
    return list(years.values())


def budget_by_year(client: Client, first_year: int | None = None, years: int = 3) -> list[dict]:
    """The IT budget per fiscal year of the client from its roadmap (cancelled items left out): one-time
    investments in the year of their quarter, monthly ones from their quarter on."""
    items = RoadmapItem.objects.filter(client=client).exclude(status=RoadmapStatus.CANCELLED)
    rows = roadmap_by_quarter(items, budget_quarters(client, first_year, years))
    return by_year(rows, ("one_time", "recurring", "total"))
