"""The foundation pages and a proposal's public page on the demo MSP: p50/p95 and query counts.

Loads the demo first when the database is empty (`--clients`, default 100). Prints, for the ICP page (its reach:
clients, revenue and leads per month), the legal documents page (signatures, outdated versions, SLA results), the
Construct checklist, the team page and the readiness assessment (pre-filled from all of it), the median and 95th
percentile time and the most queries one request made.
Usage: python bench/foundation.py [--clients 100] [--runs 10]
"""

import argparse
import os
import statistics
import time
from datetime import date

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bspos.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bspos.demo.services import DemoSize, load_demo  # noqa: E402
from bspos.people.models import User  # noqa: E402

settings.ALLOWED_HOSTS = ["testserver"]
PAGES = ["/foundation/", "/foundation/icp/", "/foundation/solutions/", "/foundation/legal/",
         "/foundation/checklist/", "/proposals/", "/owner/readiness/"]


def measure(browser: Client, url: str, runs: int) -> tuple[float, float, int]:
    times, counts = [], set()
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = browser.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        counts.add(len(queries))
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)], max(counts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="owner").exists():
        started = time.monotonic()
        load_demo(DemoSize(clients=args.clients, months=12, seed=1, today=date.today()))
        print(f"loaded the demo with {args.clients} clients in {time.monotonic() - started:.0f} s")
    browser = Client()
    browser.force_login(User.objects.get(username="owner"))
    for url in PAGES:
        p50, p95, queries = measure(browser, url, args.runs)
        print(f"{url:28} p50 {p50 * 1000:7.0f} ms  p95 {p95 * 1000:7.0f} ms  {queries:4} queries")


if __name__ == "__main__":
    main()
