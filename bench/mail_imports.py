"""Email to tickets and CSV import/export at large-MSP size, on the configured database (PostgreSQL in make bench).

Run after bench/demo_scale.py on the same database (it loads a small demo itself when the database is empty).
Prints messages or rows per second and ratios; everything it writes is rolled back at the end. `--mail-only`: only
the mail figures.
"""

import csv
import io
import os
import sys
import tempfile
import time
from datetime import date
from email.message import EmailMessage

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bspos.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from bspos.clients.models import Client, Contact  # noqa: E402
from bspos.clients.selectors import CONTACT_COLUMNS, contact_rows  # noqa: E402
from bspos.core.csvwriter import stream  # noqa: E402
from bspos.demo.services import DemoSize, load_demo  # noqa: E402
from bspos.imports.services import run_import  # noqa: E402
from bspos.mail.services import FETCH_BATCH, ingest_batch  # noqa: E402
from bspos.people.models import User  # noqa: E402
from bspos.servicedesk import views as desk_views  # noqa: E402
from bspos.servicedesk.models import Ticket  # noqa: E402

MESSAGES, CONTACT_ROWS = 500, 5000
NEW_MAIL_AIM = 150  # new messages a second (issue 22)


def timed(label: str, count: int, unit: str, work):
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    print(f"{label:<52} {count:>6,} {unit} in {seconds:6.2f} s = {count / seconds:8,.0f} {unit}/s")
    return result, seconds


def ingest_all(raws: list[bytes]) -> None:
    """As fetchmail does: batches of FETCH_BATCH messages through ingest_batch."""
    for start in range(0, len(raws), FETCH_BATCH):
        ingest_batch(raws[start:start + FETCH_BATCH])


def corpus(contacts: list[str]) -> list[bytes]:
    raws = []
    for index in range(MESSAGES):
        message = EmailMessage()
        message["From"] = contacts[index % len(contacts)] if index % 10 else f"stranger{index}@nowhere.test"
        message["Subject"] = "Out of office" if index % 25 == 0 else f"Printer {index} jams"
        message["Message-ID"] = f"<bench-{index}@bench.test>"
        if index % 25 == 0:
            message["Auto-Submitted"] = "auto-replied"
        if index % 5 == 0 and index:
            message["In-Reply-To"] = f"<bench-{index - 1}@bench.test>"
        message.set_content("The printer on floor 2 jams on every job.\n" * 5)
        if index % 20 == 0:
            message.add_attachment(b"x" * 50_000, maintype="application", subtype="pdf", filename="scan.pdf")
        raws.append(message.as_bytes())
    return raws


def main() -> None:
    call_command("migrate", verbosity=0)
    if not Client.objects.exists():
        load_demo(DemoSize(clients=50, months=2, seed=7, today=date(2026, 11, 24)))
    settings.DATA_DIR = __import__("pathlib").Path(tempfile.mkdtemp(prefix="bspos-bench-mail-"))
    print(f"database: {connection.vendor}; {Client.objects.count():,} clients, {Contact.objects.count():,} contacts, "
          f"{Ticket.objects.count():,} tickets")
    with transaction.atomic():
        emails = list(Contact.objects.exclude(email="").values_list("email", flat=True)[:200])
        raws = corpus(emails)
        tickets_before = Ticket.objects.count()
        _, first = timed("ingest: new mail (tickets, replies, triage, auto)", MESSAGES, "msg", lambda: ingest_all(raws))
        print(f"  {Ticket.objects.count() - tickets_before:,} tickets opened; {MESSAGES / first:,.0f} msg/s, "
              f"target ≥ {NEW_MAIL_AIM}/s, ratio {MESSAGES / first / NEW_MAIL_AIM:.2f}")
        _, again = timed("ingest: the same mail again (Message-ID dedup)", MESSAGES, "msg", lambda: ingest_all(raws))
        print(f"  ratio dedup/new time {again / first:.2f}")
        if "--mail-only" in sys.argv:
            transaction.set_rollback(True)
            return

        clients = list(Client.objects.values_list("name", flat=True)[:100])
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["client", "first_name", "last_name", "email", "is_billable_user"])
        writer.writerows([clients[i % len(clients)], f"Bench{i}", "Person", f"bench{i}@bench-{i % 100}.test", "yes"]
                         for i in range(CONTACT_ROWS))
        text = out.getvalue()
        _, dry = timed("import contacts --dry-run", CONTACT_ROWS, "rows",
                       lambda: run_import(kind="contacts", text=text, dry_run=True))
        result, applied = timed("import contacts", CONTACT_ROWS, "rows", lambda: run_import(kind="contacts", text=text))
        assert not result.errors, result.errors[:3]
        result, reimport = timed("import contacts again (all unchanged)", CONTACT_ROWS, "rows",
                                 lambda: run_import(kind="contacts", text=text))
        print(f"  ratio re-import/import time {reimport / applied:.2f}")

        request = RequestFactory().get("/desk/tickets/export.csv", {"status": ""})
        request.user = User.objects.get(username="owner")
        total = Ticket.objects.count()
        timed("export tickets CSV (all statuses, streamed)", total, "rows",
              lambda: sum(1 for _ in desk_views.export(request).streaming_content))
        count = Contact.objects.count()
        timed("export contacts CSV (streamed)", count, "rows",
              lambda: sum(1 for _ in stream("contacts", CONTACT_COLUMNS, contact_rows(Contact.objects.all()))
                          .streaming_content))
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
