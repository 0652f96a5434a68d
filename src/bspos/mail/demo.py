"""Sample mail for the demo MSP: one message of each kind a person acts on (no tickets, so the demo stays the same),
and the latest staff replies in the outbox."""

from django.core.mail import get_connection

from bspos.mail import conf
from bspos.mail.services import OUTBOX_BACKEND, ingest, send_reply
from bspos.people.models import Role
from bspos.servicedesk.models import Note

SAMPLES = [
    (b"From: Dana Whitfield <dana@whitfield-architects.example>\r\nTo: support@msp.example\r\n"
     b"Subject: Quote for 12 new laptops?\r\nMessage-ID: <demo-triage-1@whitfield-architects.example>\r\n\r\n"
     b"Hello, we are a new practice in town and need 12 laptops set up with Microsoft 365. Can you quote?\r\n"),
    (b"From: Out of Office <noreply@whitfield-architects.example>\r\nTo: support@msp.example\r\n"
     b"Subject: Automatic reply: Your ticket\r\nAuto-Submitted: auto-replied\r\n"
     b"Message-ID: <demo-auto-1@whitfield-architects.example>\r\n\r\nI am out of the office until Monday.\r\n"),
    (b"From: scanner@unknown.example\r\nTo: support@msp.example\r\nSubject: Scan to email\r\nMIME-Version: 1.0\r\n"
     b'Content-Type: multipart/mixed; boundary="scan"\r\nMessage-ID: <demo-quarantine-1@unknown.example>\r\n\r\n'
     b"--scan\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK"),
]


def load_sample_mail() -> int:
    """Ingest the samples (idempotent by Message-ID); returns how many were new."""
    return sum(ingest(raw)[1] for raw in SAMPLES)


def load_sample_outbox(count: int = 5) -> int:
    """The latest public staff replies, emailed through the outbox: kept there as not sent in the embedded run, so
    /mail/sent/ shows what would go out. With a mail server configured nothing is queued (demo addresses are fake)."""
    if conf.smtp_host():
        return 0
    notes = (Note.objects.filter(is_internal=False, author__isnull=False, ticket__contact__email__gt="")
             .exclude(author__role=Role.CLIENT_CONTACT).select_related("ticket__contact")
             .order_by("-created_at", "-pk")[:count])
    return sum(send_reply(note, connection=get_connection(OUTBOX_BACKEND, ticket=note.ticket, note=note)) is not None
               for note in notes)
