"""Time the demo MSP at large-MSP size on the configured database (make bench runs it on a throwaway PostgreSQL).

Prints seconds per step, rows per second and the ratio to the 10-minute aim.
Usage: python bench/demo_scale.py [--clients 1000] [--months 24]
"""

import argparse
import os
import time
from datetime import date

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bspos.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bspos.demo.services import DemoSize, load_demo  # noqa: E402

AIM_SECONDS = 600


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--billed-months", type=int, default=12, help="closed months billed by the demo's runs")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    steps: list[tuple[str, float]] = []
    last = [time.monotonic(), ""]

    def progress(step: str, done: int, total: int) -> None:
        now = time.monotonic()
        if last[1]:
            steps.append((last[1], now - last[0]))
        last[:] = [now, step]
        print(f"[{done}/{total}] {step}", flush=True)

    started = time.monotonic()
    size = DemoSize(clients=args.clients, months=args.months, seed=1, today=date(2026, 11, 24),
                    billed_months=args.billed_months)
    summary = load_demo(size, progress)
    total = time.monotonic() - started
    rows = summary.tickets + summary.notes + summary.time_entries + summary.contacts + summary.assets
    print(f"\ndatabase: {connection.vendor}; clients {args.clients}, months {args.months}")
    print(f"tickets {summary.tickets:,}, notes {summary.notes:,}, time entries {summary.time_entries:,}, "
          f"contacts {summary.contacts:,}, assets {summary.assets:,}")
    billing = [seconds for name, seconds in steps if name.startswith("Billing run")]
    if billing:
        print(f"billing runs inside the load: {len(billing)}, {sum(billing):.1f} s in all, "
              f"slowest {max(billing):.1f} s (aim under 60 s a month: ratio {max(billing) / 60:.2f})")
    slowest = sorted(steps, key=lambda s: s[1], reverse=True)[:3]
    print("slowest steps: " + ", ".join(f"{name} {seconds:.1f}s" for name, seconds in slowest))
    print(f"total {total:.1f} s; {rows / total:,.0f} rows/s; {summary.tickets / total:,.0f} tickets/s; "
          f"ratio to the {AIM_SECONDS} s aim: {total / AIM_SECONDS:.2f}")


if __name__ == "__main__":
    main()
