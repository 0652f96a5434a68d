"""Writes of the roll-ups: a change to a closed month's inputs marks the month (`mark_changed`, from the receivers
in the change's transaction); `rebuild` stores a month's facts again. A month read while marked is computed from
the raw rows, so the figures are exact whether or not the scheduled rebuild has run yet."""

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Min
from django.utils import timezone

from bspos.core.dates import add_months, month_span, month_start
from bspos.money.models import Commission, Invoice
from bspos.rollups import facts
from bspos.rollups.models import ClientMonth, DeskMonth, RollupMonth, TechnicianMonth
from bspos.rollups.selectors import buildable
from bspos.servicedesk.models import Ticket, TimeEntry


def mark_changed(months: Iterable[date]) -> None:
    """Count a change against each month that has ended (the current month is always computed live, so a change
    in it costs nothing). One upsert per month: the row lock orders it against a rebuild of the same month."""
    now = timezone.now()
    with timezone.override(settings.TIME_ZONE):
        ended = sorted({m for m in months if month_span(m)[1] <= now})
    if not ended:
        return
    table = connection.ops.quote_name(RollupMonth._meta.db_table)
    with connection.cursor() as cursor:
        for month in ended:
            cursor.execute(f"INSERT INTO {table} (month, changes) VALUES (%s, 1) "
                           f"ON CONFLICT (month) DO UPDATE SET changes = {table}.changes + 1",
                           [connection.ops.adapt_datefield_value(month)])


@dataclass
class Rebuilt:
    months: list[date] = field(default_factory=list)
    rows: int = 0
    seconds: float = 0.0
    changed_meanwhile: list[date] = field(default_factory=list)

    def summary(self) -> str:
        if not self.months:
            return "Nothing to rebuild: every closed month is stored and unchanged."
        text = (f"{len(self.months)} month(s) rebuilt ({self.months[0]:%Y-%m} to {self.months[-1]:%Y-%m}), "
                f"{self.rows:,} rows, {self.seconds:.1f} s.")
        if self.changed_meanwhile:
            text += (f" Changed while building, read live until the next rebuild: "
                     f"{', '.join(f'{m:%Y-%m}' for m in self.changed_meanwhile)}.")
        return text


def data_months() -> list[date]:
    """Every month from the first ticket, time entry or invoice to the last one that can be stored."""
    with timezone.override(settings.TIME_ZONE):
        firsts = [Ticket.objects.aggregate(v=Min("created_at"))["v"], TimeEntry.objects.aggregate(
            v=Min("started_at"))["v"]]
        firsts = [timezone.localtime(v).date() for v in firsts if v]
        firsts += [v for v in (Invoice.objects.aggregate(v=Min("period_start"))["v"],
                               Commission.objects.aggregate(v=Min("period_start"))["v"]) if v]
        if not firsts:
            return []
        month, last, months = month_start(min(firsts)), month_start(timezone.localdate()), []
        while month < last and buildable(month):
            months.append(month)
            month = add_months(month, 1)
    return months


def stale_months() -> list[date]:
    """The months that can be stored but are not, or have changed since they were."""
    fresh = set(RollupMonth.objects.filter(built_changes=F("changes")).values_list("month", flat=True))
    return [m for m in data_months() if m not in fresh]


def rebuild(months: list[date] | None = None) -> Rebuilt:
    """Store the facts of each month again (every month with data when none are named); months not closed yet
    are left out. Each month is its own transaction; a month changed while it was built stays marked."""
    started = time.perf_counter()
    result = Rebuilt()
    months = data_months() if months is None else sorted({month_start(m) for m in months if buildable(m)})
    for month in months:
        RollupMonth.objects.get_or_create(month=month)  # committed first, so every later change marks it
        seen = RollupMonth.objects.get(month=month).changes
        with timezone.override(settings.TIME_ZONE), transaction.atomic():
            ClientMonth.objects.filter(month=month).delete()
            TechnicianMonth.objects.filter(month=month).delete()
            DeskMonth.objects.filter(month=month).delete()
            rows = [ClientMonth(**row) for row in facts.client_facts([month])]
            rows_t = [TechnicianMonth(**row) for row in facts.technician_facts([month])]
            rows_d = [DeskMonth(**row) for row in facts.desk_facts([month])]
            ClientMonth.objects.bulk_create(rows, batch_size=2000)
            TechnicianMonth.objects.bulk_create(rows_t, batch_size=2000)
            DeskMonth.objects.bulk_create(rows_d, batch_size=2000)
            built = RollupMonth.objects.filter(month=month, changes=seen).update(
                built_changes=seen, built_at=timezone.now())
        result.months.append(month)
        result.rows += len(rows) + len(rows_t) + len(rows_d)
        if not built:
            result.changed_meanwhile.append(month)
    result.seconds = time.perf_counter() - started
    return result


def rebuild_stale() -> Rebuilt:
    """What the scheduler runs: the months never stored or changed since."""
    return rebuild(stale_months())
