"""Latency of the desk on the loaded demo: 200 requests each of the filtered queue page, the ticket list
endpoint and a ticket page, through Django's full request stack in-process (views, templates, database).

Prints p50/p95 per page and the ratio of p95 to the 150 ms target. Run after bench/demo_scale.py on the
same database (make bench does both on a throwaway PostgreSQL).
"""

import os
import random
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bspos.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bspos.clients.models import Client as Company  # noqa: E402
from bspos.people.models import User  # noqa: E402
from bspos.servicedesk.models import Ticket  # noqa: E402

REQUESTS = 200
TARGET_MS = 150
settings.ALLOWED_HOSTS = ["testserver", "localhost"]


def measure(browser: Client, urls: list[str], headers: dict | None = None) -> list[float]:
    timings = []
    for url in urls:
        started = time.perf_counter()
        response = browser.get(url, headers=headers or {})
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings


def report(name: str, timings: list[float]) -> None:
    ordered = sorted(timings)
    p50 = statistics.median(ordered)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(f"{name:<28} n={len(ordered)}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p95/target {p95 / TARGET_MS:.2f}")


def main() -> None:
    rng = random.Random(1)
    tickets = Ticket.objects.count()
    print(f"database: {connection.vendor}; {tickets:,} tickets, {Company.objects.count():,} clients")
    browser = Client()
    browser.force_login(User.objects.get(username="manager"))
    client_ids = list(Company.objects.filter(status="active").values_list("pk", flat=True))
    numbers = list(Ticket.objects.order_by("?").values_list("number", flat=True)[:REQUESTS])
    queue = [f"/desk/tickets/?status=&client={rng.choice(client_ids)}&priority={rng.randint(1, 4)}&sort=due"
             for _ in range(REQUESTS)]
    measure(browser, queue[:5])  # warm up caches and connections
    report("queue page (filtered)", measure(browser, queue))
    report("ticket page", measure(browser, [f"/desk/tickets/{n}/" for n in numbers]))
    api = [f"/api/v1/tickets?status=open&client={rng.choice(client_ids)}" for _ in range(REQUESTS)]
    probe = browser.get(api[0])
    if probe.status_code == 200:
        report("ticket list endpoint", measure(browser, api))
    else:
        print(f"ticket list endpoint: not measured (answers {probe.status_code})")


if __name__ == "__main__":
    main()
