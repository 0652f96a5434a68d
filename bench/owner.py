"""The owner's scorecard and health page over 12 months on the loaded demo, computed in the database.

Run after bench/demo_scale.py on the same database (make bench does). Prints seconds, the number of queries
and the ratio to the 3 s aim.
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

AIM = 3.0
settings.ALLOWED_HOSTS = ["testserver"]


def main() -> None:
    browser = Client()
    browser.force_login(User.objects.get(username="owner"))
    print(f"database: {connection.vendor}")
    for attempt in ("cold", "warm"):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = browser.get("/owner/?months=12")
            seconds = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        print(f"owner page, 12 months ({attempt}): {seconds:.2f} s, {len(queries)} queries, "
              f"ratio to the {AIM} s aim {seconds / AIM:.2f}")


if __name__ == "__main__":
    main()
