"""The owner's scorecard and health page over 12 months on the loaded demo: computed from the raw rows, then read
from the monthly roll-ups (after `bspos rollups rebuild`).

Run after bench/demo_scale.py on the same database (make bench does). Prints seconds, the number of queries, the
targets (0.8 s warm, 1.2 s first request with the roll-ups) and the ratios, and the speed-up over the raw rows.
"""

import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bspos.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bspos.people.models import User  # noqa: E402
from bspos.rollups.services import rebuild  # noqa: E402

TARGETS = {"first": 1.2, "warm": 0.8}  # seconds, with the roll-ups
settings.ALLOWED_HOSTS = ["testserver"]


def measure(browser: Client, label: str, attempt: str, target: float | None) -> float:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = browser.get("/owner/?months=12")
        seconds = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    aim = f", target {target} s, ratio {seconds / target:.2f}" if target else ""
    print(f"owner page, 12 months, {label} ({attempt}): {seconds:.2f} s, {len(queries)} queries{aim}", flush=True)
    return seconds


def main() -> None:
    browser = Client()
    browser.force_login(User.objects.get(username="owner"))
    print(f"database: {connection.vendor}")
    settings.BSPOS_ROLLUPS = False
    raw = {attempt: measure(browser, "raw rows", attempt, None) for attempt in ("first", "warm")}
    settings.BSPOS_ROLLUPS = True
    result = rebuild()
    print(f"bspos rollups rebuild: {result.summary()}")
    stored = {attempt: measure(browser, "roll-ups", attempt, TARGETS[attempt]) for attempt in ("first", "warm")}
    print(f"speed-up with the roll-ups: first {raw['first'] / stored['first']:.1f}x, "
          f"warm {raw['warm'] / stored['warm']:.1f}x")


if __name__ == "__main__":
    main()
