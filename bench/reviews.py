"""The SBR data pack for a client with two years of history on the loaded demo, computed in the database.

Run after bench/demo_scale.py on the same database (make bench does). Prints seconds (first run and the median of
five), the number of queries, and the ratio to the 2 s aim; also the review page and the PDF report.
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
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bspos.clients.models import Client as Company  # noqa: E402
from bspos.people.models import User  # noqa: E402
from bspos.reviews import selectors, services  # noqa: E402
from bspos.reviews.models import Review  # noqa: E402

AIM = 2.0
settings.ALLOWED_HOSTS = ["testserver"]


def timed(action) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        action()
        return time.perf_counter() - started, len(queries)


def main() -> None:
    services.plan_reviews()
    busiest = (Company.objects.filter(status="active", client_since__isnull=False)
               .annotate(ticket_count=Count("tickets")).order_by("client_since", "-ticket_count").first())
    review = Review.objects.get(client=busiest, status=Review.Status.PLANNED)
    history = busiest.tickets.order_by("created_at").values_list("created_at", flat=True).first()
    print(f"database: {connection.vendor}; client {busiest.name}: {busiest.ticket_count:,} tickets since "
          f"{history:%Y-%m-%d}, client since {busiest.client_since}")
    first, queries = timed(lambda: selectors.data_pack(review))
    runs = [timed(lambda: selectors.data_pack(review))[0] for _ in range(5)]
    median = statistics.median(runs)
    print(f"data pack: first {first:.3f} s, median of 5 {median:.3f} s, {queries} queries, "
          f"ratio to the {AIM} s aim {max(first, median) / AIM:.2f}")
    browser = Client()
    browser.force_login(User.objects.get(username="vcio"))
    for name, url in (("review page", f"/reviews/{review.pk}/"), ("PDF report", f"/reviews/{review.pk}/report.pdf"),
                      ("cadence page", "/reviews/")):
        seconds, count = timed(lambda url=url: browser.get(url))
        print(f"{name}: {seconds:.3f} s, {count} queries")


if __name__ == "__main__":
    main()
