"""Money at large-MSP size: one month's billing run and the 12-month margin report for all clients.

Run after bench/demo_scale.py on the same database (make bench does both on a throwaway PostgreSQL).
Prints seconds and the ratio to the aims (run under 60 s, report under 2 s).
"""

import os
import time
from datetime import date

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bspos.settings")
django.setup()

from django.db import connection  # noqa: E402

from bspos.core.dates import months_ending  # noqa: E402
from bspos.money import reports  # noqa: E402
from bspos.money.models import Invoice, InvoiceLine, TimeAllocation  # noqa: E402
from bspos.money.services import run_billing  # noqa: E402

RUN_AIM, REPORT_AIM = 60, 2
LAST_CLOSED = date(2026, 10, 1)  # bench/demo_scale.py pretends today is 2026-11-24


def timed(label: str, aim: float, work):
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    print(f"{label:<48} {seconds:7.2f} s   ratio to the {aim} s aim {seconds / aim:.2f}")
    return result


def main() -> None:
    print(f"database: {connection.vendor}; {Invoice.objects.count():,} invoices, "
          f"{InvoiceLine.objects.count():,} lines, {TimeAllocation.objects.count():,} time allocations")
    result = timed(f"billing run {LAST_CLOSED:%Y-%m}, drafts regenerated", RUN_AIM,
                   lambda: run_billing(LAST_CLOSED, regenerate=True))
    print(f"  {result.summary()}")
    again = timed(f"billing run {LAST_CLOSED:%Y-%m} again (idempotent)", RUN_AIM, lambda: run_billing(LAST_CLOSED))
    print(f"  {again.summary()}")
    for _ in range(2):  # the second is with warm caches, as a finance user reloading the page sees it
        report = timed("margin report, 12 months, all clients", REPORT_AIM,
                       lambda: reports.margin_report(months_ending(LAST_CLOSED, 12)))
    flagged = sum(row.flagged for row in report.clients)
    print(f"  {len(report.clients):,} clients, {flagged} flagged; "
          + ", ".join(f"{t.tier or 'none'} avg {t.average}%" for t in report.tiers))


if __name__ == "__main__":
    main()
