"""`bspos fetchmail` against a real Dovecot IMAP server (Debian's dovecot-imapd) on a loopback port."""

import io
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bspos.mail.models import InboundMessage, Outcome
from bspos.mail.tests.conftest import mail
from bspos.servicedesk.models import Note, Ticket


@pytest.fixture
def imap_env(dovecot, monkeypatch):
    for name, value in dovecot.environ().items():
        monkeypatch.setenv(name, value)
    return dovecot


def fetch(*args) -> str:
    out = io.StringIO()
    call_command("fetchmail", *args, stdout=out)
    return out.getvalue()


def test_fetchmail_turns_the_mailbox_into_tickets_replies_and_triage(imap_env, alice):
    imap_env.deliver(mail(message_id="<one@acme-dental.test>", subject="Outlook keeps asking for a password",
                          attachments=[("screenshot.png", "image/png", b"\x89PNG fake")]))
    imap_env.deliver(mail(sender="stranger@elsewhere.test", subject="Quote please"))
    imap_env.deliver(mail(subject="Out of office", headers={"Auto-Submitted": "auto-replied"}))
    imap_env.deliver(b"From: alice@acme-dental.test\r\nSubject: broken\r\nMIME-Version: 1.0\r\n"
                     b'Content-Type: multipart/mixed; boundary="X"\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\ncut')
    assert "4 fetched, 4 new" in fetch()
    ticket = Ticket.objects.get()
    assert ticket.subject == "Outlook keeps asking for a password" and ticket.client == alice.client
    assert ticket.attachments.get().filename == "screenshot.png"
    outcomes = sorted(InboundMessage.objects.values_list("outcome", flat=True))
    assert outcomes == sorted([Outcome.TICKET, Outcome.TRIAGE, Outcome.AUTO, Outcome.QUARANTINED])

    imap_env.deliver(mail(subject="Re: Outlook", body="Still asking.", headers={
        "In-Reply-To": "<one@acme-dental.test>", "References": "<one@acme-dental.test>"}))
    assert "1 fetched, 1 new" in fetch()  # the others are flagged seen on the server
    assert Note.objects.get(ticket=ticket).body.endswith("Still asking.")


def test_fetching_the_same_mailbox_twice_creates_nothing_twice(imap_env, alice):
    imap_env.deliver(mail(message_id="<twice@acme-dental.test>"))
    fetch()
    assert "1 fetched, 0 new" in fetch("--all")
    assert Ticket.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_a_wrong_password_is_a_clear_error_and_nothing_is_written(imap_env, alice, monkeypatch):
    imap_env.deliver(mail())
    monkeypatch.setenv("BSPOS_IMAP_PASSWORD", "wrong")
    with pytest.raises(CommandError, match="refused"):
        fetch()
    assert not InboundMessage.objects.exists()
    assert os.listdir(imap_env.maildir / "new")  # still waiting on the server
