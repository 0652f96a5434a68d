"""A technician's week (the time sheet page) and the service manager's list of weeks to approve, on the demo MSP.

Loads the demo first when the database is empty (`--clients`, default 100: the 1,000-client demo takes about an
hour on a small machine). Picks the busiest technician-week of the last month, prints p50/p95 and the query count
of the week page (aim: p95 ≤ 100 ms) and of the approvals list, then doubles that week's entries (rolled back
afterwards) and prints the week page's query count again: it must not change.
Usage: python bench/timesheets.py [--clients 100] [--runs 30]
"""

import argparse
import os
import statistics
import time
from datetime import date, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bspos.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.db.models.functions import TruncWeek  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bspos.core.dates import week_span  # noqa: E402
from bspos.demo.services import DemoSize, load_demo  # noqa: E402
from bspos.people.models import Role, User  # noqa: E402
from bspos.servicedesk.models import TimeEntry  # noqa: E402
from bspos.timesheets.models import TimeSheet  # noqa: E402

AIM = 0.100
settings.ALLOWED_HOSTS = ["testserver"]


def measure(browser: Client, url: str, runs: int) -> tuple[float, float, int]:
    times, counts = [], set()
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = browser.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        counts.add(len(queries))
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)], max(counts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="owner").exists():
        started = time.monotonic()
        load_demo(DemoSize(clients=args.clients, months=12, seed=1, today=date(2026, 11, 24)))
        print(f"loaded the demo with {args.clients} clients in {time.monotonic() - started:.0f} s")
    since = timezone.now() - timedelta(days=35)
    busiest = (TimeEntry.objects.filter(started_at__gte=since, technician__role=Role.TECHNICIAN)
               .annotate(monday=TruncWeek("started_at", tzinfo=timezone.get_current_timezone()))
               .values("technician_id", "monday").annotate(n=Count("pk")).order_by("-n").first())
    if busiest is None:  # the demo's "today" is in the past: take the busiest week of all
        busiest = (TimeEntry.objects.filter(technician__role=Role.TECHNICIAN)
                   .annotate(monday=TruncWeek("started_at", tzinfo=timezone.get_current_timezone()))
                   .values("technician_id", "monday").annotate(n=Count("pk")).order_by("-n").first())
    tech = User.objects.get(pk=busiest["technician_id"])
    monday = timezone.localtime(busiest["monday"]).date() if hasattr(busiest["monday"], "hour") else busiest["monday"]
    print(f"database: {connection.vendor}; {TimeEntry.objects.count()} time entries, {TimeSheet.objects.count()} "
          f"time sheets; {tech.username}'s week of {monday} has {busiest['n']} entries")
    browser = Client()
    browser.force_login(tech)
    url = f"/time/?week={monday}"
    p50, p95, queries = measure(browser, url, args.runs)
    print(f"technician's week: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, {queries} queries; "
          f"ratio of p95 to the {AIM * 1000:.0f} ms aim {p95 / AIM:.2f}")
    manager = Client()
    manager.force_login(User.objects.get(username="manager"))
    p50_list, p95_list, queries_list = measure(manager, "/time/approvals/?status=", max(args.runs // 3, 5))
    print(f"approvals list (50 of all weeks): p50 {p50_list * 1000:.0f} ms, p95 {p95_list * 1000:.0f} ms, "
          f"{queries_list} queries")
    with transaction.atomic():
        start, end = week_span(monday)
        copies = list(TimeEntry.objects.filter(technician=tech, started_at__gte=start, started_at__lt=end))
        for entry in copies:
            entry.pk = None
            entry.approved_at = entry.approved_by = None
        TimeEntry.objects.bulk_create(copies)
        p50_more, p95_more, queries_more = measure(browser, url, max(args.runs // 3, 5))
        print(f"with the week's entries doubled ({2 * len(copies)}): p50 {p50_more * 1000:.0f} ms, "
              f"p95 {p95_more * 1000:.0f} ms, {queries_more} queries "
              f"({'constant' if queries_more == queries else 'NOT constant'})")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
