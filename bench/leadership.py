"""The weekly leadership meeting page with every hat's live metrics, on the demo MSP.

Loads the demo first when the database is empty (`--clients`, default 100; the 1,000-client, 12-month demo took
5 minutes on a shared 2-core machine). Prints p50/p95 and the query count of the latest meeting's page (live
figures computed), of a meeting started here (the figures it keeps as reviewed), then triples the hats, metrics
and open issues (rolled back afterwards) and prints the query count again: it must not change.
Usage: python bench/leadership.py [--clients 100] [--runs 20]
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
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bspos.demo.services import DemoSize, load_demo  # noqa: E402
from bspos.leadership import services  # noqa: E402
from bspos.leadership.models import Hat, Issue, Meeting, Metric  # noqa: E402
from bspos.people.models import User  # noqa: E402

AIM = 0.5
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
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="owner").exists():
        started = time.monotonic()
        load_demo(DemoSize(clients=args.clients, months=12, seed=1, today=date(2026, 11, 24)))
        print(f"loaded the demo with {args.clients} clients in {time.monotonic() - started:.0f} s")
    browser = Client()
    browser.force_login(User.objects.get(username="owner"))
    meeting = Meeting.objects.order_by("-scheduled_at").first()
    url = f"/leadership/meetings/{meeting.pk}/"
    hats, metrics = Hat.objects.count(), Metric.objects.count()
    print(f"database: {connection.vendor}; {hats} hats, {metrics} metrics, "
          f"{Issue.objects.exclude(status='solved').count()} open issues")
    p50, p95, queries = measure(browser, url, args.runs)
    print(f"meeting page, live figures computed: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, {queries} queries; "
          f"ratio of p95 to the {AIM * 1000:.0f} ms aim {p95 / AIM:.2f}")
    with transaction.atomic():  # a meeting started here keeps the figures it reviews (rolled back afterwards)
        started = services.schedule_meeting(scheduled_at=timezone.now())
        services.start_meeting(started, attendees=list(User.objects.filter(leadership_team=True)))
        kept50, kept95, kept_queries = measure(browser, f"/leadership/meetings/{started.pk}/", args.runs)
        print(f"meeting page once started (figures kept as reviewed): p50 {kept50 * 1000:.0f} ms, "
              f"p95 {kept95 * 1000:.0f} ms, {kept_queries} queries; ratio of p95 to the aim {kept95 / AIM:.2f}")
        transaction.set_rollback(True)
    with transaction.atomic():
        for hat in list(Hat.objects.prefetch_related("metrics")):
            for copy in range(2):
                twin = Hat.objects.create(name=f"{hat.name} ({copy + 2})", owner=hat.owner, position=hat.position)
                Metric.objects.bulk_create([Metric(hat=twin, name=m.name, live=m.live, target=m.target,
                                                   direction=m.direction) for m in hat.metrics.all()])
        Issue.objects.bulk_create([Issue(title=f"More {n}") for n in range(2 * Issue.objects.exclude(
            status="solved").count() + 10)])
        p50_more, p95_more, queries_more = measure(browser, url, max(args.runs // 4, 3))
        print(f"with {Hat.objects.count()} hats and {Metric.objects.count()} metrics: p50 {p50_more * 1000:.0f} ms, "
              f"p95 {p95_more * 1000:.0f} ms, {queries_more} queries "
              f"({'constant' if queries_more == queries else 'NOT constant'})")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
