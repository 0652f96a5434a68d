"""A client's three-year budget forecast and the lifecycle report of the client with the most devices, on the
loaded demo (run after bench/demo_scale.py on the same database; make bench does).

Prints seconds (first run and the median of five), the number of queries and the ratio to the 100 ms aim for
each; then the forecast and lifecycle pages and the forecast PDF as the browser gets them.
Usage: python bench/plan.py
"""

import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bspos.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bspos.assets.models import OUT_OF_SERVICE  # noqa: E402
from bspos.clients.models import Client as Company  # noqa: E402
from bspos.people.models import User  # noqa: E402
from bspos.reviews.forecast import budget_forecast  # noqa: E402
from bspos.reviews.lifecycle import lifecycle_report  # noqa: E402

AIM = 0.100
settings.ALLOWED_HOSTS = ["testserver"]


def timed(action) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        action()
        return time.perf_counter() - started, len(queries)


def report(name: str, action) -> None:
    first, queries = timed(action)
    median = statistics.median(timed(action)[0] for _ in range(5))
    print(f"{name}: first {first * 1000:.1f} ms, median of 5 {median * 1000:.1f} ms, {queries} queries, "
          f"ratio to the {AIM * 1000:.0f} ms aim {median / AIM:.2f} (first run {first / AIM:.2f})")


def main() -> None:
    today = timezone.localdate()
    largest = (Company.objects.filter(status="active")
               .annotate(devices=Count("assets", filter=~Q(assets__lifecycle__in=OUT_OF_SERVICE)),
                         agreement_count=Count("agreements", distinct=True))
               .order_by("-devices", "pk").first())
    print(f"database: {connection.vendor}; {Company.objects.count():,} clients; largest client {largest.name}: "
          f"{largest.devices:,} devices in use, {largest.agreement_count} agreements, fiscal year from month "
          f"{largest.fiscal_year_start}")
    forecast = budget_forecast(largest, today=today)
    print(f"forecast {forecast['years_label']}: " + ", ".join(f"{y['label']} {y['total']:,}" for y in
                                                              forecast["years"]))
    report("three-year forecast", lambda: budget_forecast(largest, today=today))
    report("lifecycle report (every device, one query set)",
           lambda: lifecycle_report(largest, window="all", today=today))
    report("lifecycle report (first page of 100)",
           lambda: lifecycle_report(largest, window="all", today=today, page_size=100))
    report("lifecycle report (due within 365 days)", lambda: lifecycle_report(largest, window="365", today=today))
    browser = Client()
    browser.force_login(User.objects.get(username="vcio"))
    for name, url in (("forecast page", f"/reviews/clients/{largest.pk}/forecast/"),
                      ("lifecycle page", f"/reviews/clients/{largest.pk}/lifecycle/"),
                      ("forecast PDF", f"/reviews/clients/{largest.pk}/forecast.pdf"),
                      ("monthly summary page", f"/reviews/clients/{largest.pk}/summary/")):
        cold, count = timed(lambda url=url: browser.get(url))
        warm = timed(lambda url=url: browser.get(url))[0]
        print(f"{name}: first {cold * 1000:.0f} ms, again {warm * 1000:.0f} ms, {count} queries")


if __name__ == "__main__":
    main()
