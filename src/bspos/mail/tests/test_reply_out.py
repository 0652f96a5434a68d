"""Email out: a public reply by staff goes into the outbox in the reply's own transaction, and the mail job sends it
to the contact through a real SMTP server (aiosmtpd sink), threaded."""

import pytest
from django.core import mail as django_outbox
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from bspos.mail.models import OutboundMessage
from bspos.mail.services import ingest, send_due
from bspos.mail.tests.conftest import mail
from bspos.servicedesk import services as desk
from bspos.servicedesk.models import Ticket


def test_a_public_reply_goes_out_threaded_into_the_clients_email(smtp_env, alice, tech, client):
    incoming, _ = ingest(mail(message_id="<ask@acme-dental.test>", subject="Scanner offline"))
    ticket = incoming.ticket
    client.force_login(tech)
    client.post(reverse("servicedesk:reply", args=[ticket.number]), {"body": "Restarted the scanner service."})
    queued = OutboundMessage.objects.get()
    assert queued.state == OutboundMessage.State.PENDING and queued.ticket == ticket and smtp_env == []
    assert DBTaskResult.objects.filter(task_path="bspos.mail.services.send_message", args_kwargs__args=[queued.pk])

    assert send_due() == 1
    [sent] = smtp_env
    assert sent["To"] == "alice@acme-dental.test" and sent["From"] == "support@msp.test"
    assert f"[#{ticket.number}]" in sent["Subject"]
    assert sent["In-Reply-To"] == "<ask@acme-dental.test>" and "<ask@acme-dental.test>" in sent["References"]
    assert "Restarted the scanner service." in sent.get_payload()
    queued.refresh_from_db()
    assert queued.state == OutboundMessage.State.SENT and queued.message_id == sent["Message-ID"]
    assert queued.attempts == 1 and queued.sent_at is not None

    # Alice answers the email without the token: it threads back by In-Reply-To.
    answer, _ = ingest(mail(subject="Re: Scanner", body="Works now.", headers={"In-Reply-To": sent["Message-ID"]}))
    assert answer.ticket == ticket and Ticket.objects.count() == 1
    desk.add_note(ticket, author=tech, body="Great, closing.")
    send_due()
    second = smtp_env[1]
    assert second["In-Reply-To"] == answer.message_id
    assert sent["Message-ID"] in second["References"] and "<ask@acme-dental.test>" in second["References"]
    assert send_due() == 0 and len(smtp_env) == 2  # sent once, never again


def test_internal_notes_and_client_replies_are_not_emailed(smtp_env, alice, tech):
    ticket = desk.create_ticket(client=alice.client, contact=alice, subject="Firewall")
    desk.add_note(ticket, author=tech, body="Internal: check the logs", is_internal=True)
    desk.add_note(ticket, author=None, body="A reply from the client")
    assert send_due() == 0 and smtp_env == [] and not OutboundMessage.objects.exists()


def test_a_rolled_back_reply_leaves_nothing_in_the_outbox_and_nothing_queued(smtp_env, alice, tech):
    ticket = desk.create_ticket(client=alice.client, contact=alice, subject="Firewall")
    with pytest.raises(RuntimeError), transaction.atomic():
        desk.add_note(ticket, author=tech, body="Will be rolled back")
        raise RuntimeError("the reply's transaction fails")
    assert not OutboundMessage.objects.exists() and send_due() == 0 and smtp_env == []
    assert not DBTaskResult.objects.filter(task_path="bspos.mail.services.send_message").exists()


def test_any_email_bspos_sends_goes_through_the_outbox_to_every_recipient(smtp_env, db):
    EmailMessage(subject="Weekly summary", body="3 tickets breached.", to=["owner@msp.test"], cc=["ops@msp.test"],
                 bcc=["audit@msp.test"]).send()
    stored = OutboundMessage.objects.get()
    assert stored.ticket is None and stored.recipients() == ["owner@msp.test", "ops@msp.test", "audit@msp.test"]
    assert b"Weekly summary" in bytes(stored.raw) and b"audit@msp.test" not in bytes(stored.raw)  # Bcc stays hidden
    send_due()
    [sent] = smtp_env
    assert sent["Message-ID"] == stored.message_id and sent["Cc"] == "ops@msp.test" and "Bcc" not in sent
    assert set(sent["X-RcptTo"].split(", ")) == {"owner@msp.test", "ops@msp.test", "audit@msp.test"}


def test_the_test_runs_own_backend_still_receives_replies(alice, tech):
    """A deployment (here: the test run) that sets another EMAIL_BACKEND gets the replies there."""
    ticket = desk.create_ticket(client=alice.client, contact=alice, subject="Firewall")
    desk.add_note(ticket, author=tech, body="Hello from the desk")
    assert len(django_outbox.outbox) == 1 and django_outbox.outbox[0].extra_headers["Message-ID"]
