"""Time from a client's email reply being ingested to the answering email leaving the outbox, with the real task
worker (`bspos db_worker`) and scheduler (`bspos scheduler`) on the default schedule.

The assignee's notification email is another branch's work; until it lands here, a stand-in receiver of the desk's
`note_added` signal emails the assignee the way it will (one `EmailMessage(...).send()`), so what is measured is the
path every email takes: ingest → note → outbox row (same transaction) → worker → SMTP (an aiosmtpd sink).

Runs on a throwaway SQLite database, or on DATABASE_URL when set (it adds one client named "Latency …" there).
Target: ≤ 60 s from the reply to the email (issue 16); the fallback, a lost task, is bounded by the minute sweep.
"""

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from email.message import EmailMessage as MimeMessage

if "DATABASE_URL" not in os.environ:
    os.environ["BSPOS_DATA_DIR"] = tempfile.mkdtemp(prefix="bspos-latency-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bspos.settings")

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.handlers import Message  # noqa: E402
from django.core.mail import EmailMessage  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bspos.clients.models import Client, Contact  # noqa: E402
from bspos.mail.services import ingest  # noqa: E402
from bspos.people.models import Role, User  # noqa: E402
from bspos.servicedesk import services as desk  # noqa: E402
from bspos.servicedesk import signals  # noqa: E402

REPLIES, TARGET_SECONDS = 10, 60


class Keep(Message):
    def __init__(self):
        super().__init__()
        self.subjects: dict[str, float] = {}

    def handle_message(self, message):
        self.subjects[str(message["Subject"])] = time.perf_counter()


def notify_assignee(sender, note, by=None, **kwargs) -> None:
    """Stand-in for the notifications work: a client's reply emails the ticket's assignee."""
    ticket = note.ticket
    if ticket.assignee_id and (by is None or not by.is_msp_staff):
        EmailMessage(subject=f"[#{ticket.number}] client replied: {note.pk}", body=note.body,
                     to=[ticket.assignee.email]).send()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    call_command("migrate", verbosity=0)
    handler = Keep()
    sink = Controller(handler, hostname="127.0.0.1", port=free_port())
    sink.start()
    os.environ.update({"BSPOS_SMTP_HOST": "127.0.0.1", "BSPOS_SMTP_PORT": str(sink.port)})
    stamp = uuid.uuid4().hex[:8]
    client = Client.objects.create(name=f"Latency {stamp}", status="prospect",
                                   website=f"https://lat{stamp}.test/")
    contact = Contact.objects.create(client=client, first_name="Ada", last_name="Reply", email=f"ada@lat{stamp}.test")
    tech = User.objects.create_user(f"lat{stamp}", email=f"tech@{stamp}.test", role=Role.TECHNICIAN)
    ticket = desk.create_ticket(client=client, contact=contact, subject="VPN drops", assignee=tech)
    signals.note_added.connect(notify_assignee, dispatch_uid="bench.notify_assignee")
    bspos = [sys.executable, "-m", "bspos"]
    children = [subprocess.Popen([*bspos, "db_worker", "--no-reload"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL),
                subprocess.Popen([*bspos, "scheduler"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    latencies = []
    try:
        EmailMessage(subject="warm-up", body="", to=[tech.email]).send()  # the worker has started: not measured
        while "warm-up" not in handler.subjects:
            time.sleep(0.05)
        for index in range(REPLIES):
            raw = MimeMessage()
            raw["From"], raw["To"] = contact.email, "support@msp.test"
            raw["Subject"], raw["Message-ID"] = f"Re: [#{ticket.number}] VPN drops", f"<r{index}.{stamp}@lat.test>"
            raw.set_content(f"Still dropping ({index}).")
            started = time.perf_counter()
            message, _ = ingest(raw.as_bytes())
            subject = f"[#{ticket.number}] client replied: {message.note_id}"
            while subject not in handler.subjects:
                if time.perf_counter() - started > 3 * TARGET_SECONDS:
                    raise SystemExit(f"no email after {3 * TARGET_SECONDS} s")
                time.sleep(0.05)
            latencies.append(handler.subjects[subject] - started)
            time.sleep(0.5)
    finally:
        for child in children:
            child.terminate()
            child.wait(timeout=30)
        sink.stop()
    worst = max(latencies)
    print(f"client email reply → assignee email sent, {REPLIES} replies: median {statistics.median(latencies):.2f} s, "
          f"max {worst:.2f} s (target ≤ {TARGET_SECONDS} s: {'met' if worst <= TARGET_SECONDS else 'MISSED'})")
    print(f"a lost task: the every-minute mail.send_outbox sweep sends it within {TARGET_SECONDS} s")


if __name__ == "__main__":
    main()
