"""The project list with its roll-ups (logged, estimate, forecast, burn, health computed in the database).

Loads the demo first when the database is empty (`--clients`, default 50), then adds demo projects (with their
phases, tasks, milestones and time) until there are `--projects` (default 2,000). Prints p50/p95 of the list page
(first page; all statuses; filtered by health, which computes every project's figures) against the 300 ms aim,
and the query count.
Usage: python bench/projects.py [--clients 50] [--projects 2000] [--runs 20]
"""

import argparse
import os
import statistics
import time
from datetime import date, datetime
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bspos.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bspos.clients.models import Client as Company  # noqa: E402
from bspos.demo.services import DemoSize, insert_rows, load_demo, reset_sequences  # noqa: E402
from bspos.people.models import Role, User  # noqa: E402
from bspos.projects.demo import load_demo_projects  # noqa: E402
from bspos.projects.models import Project, Task  # noqa: E402
from bspos.servicedesk.models import TimeEntry  # noqa: E402

AIM = 0.3
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


def top_up(wanted: int) -> None:
    missing = wanted - Project.objects.count()
    if missing <= 0:
        return
    technicians = list(User.objects.filter(role=Role.TECHNICIAN).order_by("pk"))
    last = [TimeEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0]

    def next_id() -> int:
        last[0] += 1
        return last[0]

    def entry(user, started: datetime, minutes: int, *, client_id=None, **_) -> dict:
        return {"technician_id": user.pk, "ticket_id": None, "client_id": client_id, "internal_category": "",
                "started_at": started, "minutes": minutes, "billable": True, "cost_rate": Decimal("40.00"),
                "bill_rate": Decimal("125.00"), "notes": ""}

    started = time.monotonic()
    with transaction.atomic():
        added = load_demo_projects(timezone.now(), 7, list(Company.objects.order_by("pk")), technicians, entry,
                                   next_id, insert_rows, count=missing)
        reset_sequences([TimeEntry])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"added {missing} projects with {added} time entries in {time.monotonic() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="owner").exists():
        started = time.monotonic()
        load_demo(DemoSize(clients=args.clients, months=12, seed=1, today=date(2026, 11, 24)))
        print(f"loaded the demo with {args.clients} clients in {time.monotonic() - started:.0f} s")
    top_up(args.projects)
    browser = Client()
    browser.force_login(User.objects.get(username="manager"))
    print(f"database: {connection.vendor}; {Project.objects.count():,} projects, {Task.objects.count():,} tasks, "
          f"{TimeEntry.objects.filter(task__isnull=False).count():,} time entries on tasks")
    for label, url in [("project list, open projects", "/projects/"),
                       ("project list, every status", "/projects/?status="),
                       ("project list, over budget (all figures)", "/projects/?status=&health=over_budget"),
                       ("project list, late, searched", "/projects/?health=late&q=a")]:
        p50, p95, queries = measure(browser, url, args.runs)
        print(f"{label:<42} p50 {p50 * 1000:4.0f} ms, p95 {p95 * 1000:4.0f} ms, {queries} queries; "
              f"ratio of p95 to the {AIM * 1000:.0f} ms aim {p95 / AIM:.2f}")


if __name__ == "__main__":
    main()
