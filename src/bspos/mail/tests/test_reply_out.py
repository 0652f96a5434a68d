"""Email out: a public reply by staff goes to the contact through a real SMTP server (aiosmtpd sink), threaded."""

import pytest
from django.core import mail as outbox
from django.urls import reverse

from bspos.mail.models import OutboundMessage
from bspos.mail.services import ingest
from bspos.mail.tests.conftest import free_port, mail
from bspos.servicedesk import services as desk
from bspos.servicedesk.models import Ticket


@pytest.fixture
def smtp_env(smtp_sink, monkeypatch):
    controller, received = smtp_sink
    monkeypatch.setenv("BSPOS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BSPOS_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("BSPOS_MAIL_FROM", "support@msp.test")
    return received


def test_a_public_reply_goes_out_threaded_into_the_clients_email(smtp_env, alice, tech, client,
                                                               django_capture_on_commit_callbacks):
    incoming, _ = ingest(mail(message_id="<ask@acme-dental.test>", subject="Scanner offline"))
    ticket = incoming.ticket
    client.force_login(tech)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("servicedesk:reply", args=[ticket.number]), {"body": "Restarted the scanner service."})
    [sent] = smtp_env
    assert sent["To"] == "alice@acme-dental.test" and sent["From"] == "support@msp.test"
    assert f"[#{ticket.number}]" in sent["Subject"]
    assert sent["In-Reply-To"] == "<ask@acme-dental.test>" and "<ask@acme-dental.test>" in sent["References"]
    assert "Restarted the scanner service." in sent.get_payload()
    record = OutboundMessage.objects.get()
    assert record.status == OutboundMessage.Status.SENT and record.message_id == sent["Message-ID"]

    # Alice answers the email without the token: it threads back by In-Reply-To.
    answer, _ = ingest(mail(subject="Re: Scanner", body="Works now.", headers={"In-Reply-To": sent["Message-ID"]}))
    assert answer.ticket == ticket and Ticket.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        desk.add_note(ticket, author=tech, body="Great, closing.")
    second = smtp_env[1]
    assert second["In-Reply-To"] == answer.message_id
    assert sent["Message-ID"] in second["References"] and "<ask@acme-dental.test>" in second["References"]


def test_internal_notes_and_client_replies_are_not_emailed(smtp_env, alice, tech,
                                                           django_capture_on_commit_callbacks):
    ticket = desk.create_ticket(client=alice.client, contact=alice, subject="Firewall")
    with django_capture_on_commit_callbacks(execute=True):
        desk.add_note(ticket, author=tech, body="Internal: check the logs", is_internal=True)
        desk.add_note(ticket, author=None, body="A reply from the client")
    assert smtp_env == [] and not OutboundMessage.objects.exists()


def test_a_rolled_back_reply_sends_nothing(smtp_env, alice, tech, django_capture_on_commit_callbacks):
    ticket = desk.create_ticket(client=alice.client, contact=alice, subject="Firewall")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        desk.add_note(ticket, author=tech, body="Will be rolled back")
    assert len(callbacks) == 1 and smtp_env == []  # only sent once the transaction commits


def test_a_mail_server_that_is_down_records_the_failure_and_keeps_the_reply(alice, tech, monkeypatch,
                                                                            django_capture_on_commit_callbacks):
    monkeypatch.setenv("BSPOS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BSPOS_SMTP_PORT", str(free_port()))
    ticket = desk.create_ticket(client=alice.client, contact=alice, subject="Firewall")
    with django_capture_on_commit_callbacks(execute=True):
        note = desk.add_note(ticket, author=tech, body="We are on it.")
    record = OutboundMessage.objects.get()
    assert record.status == OutboundMessage.Status.FAILED and record.error and record.note == note
    assert ticket.notes.filter(body="We are on it.").exists()


def test_without_smtp_settings_django_backend_is_used(alice, tech, django_capture_on_commit_callbacks):
    ticket = desk.create_ticket(client=alice.client, contact=alice, subject="Firewall")
    with django_capture_on_commit_callbacks(execute=True):
        desk.add_note(ticket, author=tech, body="Hello from the desk")
    assert len(outbox.outbox) == 1 and outbox.outbox[0].extra_headers["Message-ID"]


def test_a_failed_reply_is_sent_again_from_the_sent_page_once_the_server_is_back(
        smtp_env, alice, tech, client, monkeypatch, django_capture_on_commit_callbacks):
    working_port = __import__("os").environ["BSPOS_SMTP_PORT"]
    monkeypatch.setenv("BSPOS_SMTP_PORT", str(free_port()))
    ticket = desk.create_ticket(client=alice.client, contact=alice, subject="Firewall")
    with django_capture_on_commit_callbacks(execute=True):
        desk.add_note(ticket, author=tech, body="Rebooted the firewall.")
    failed = OutboundMessage.objects.get()
    client.force_login(tech)
    assert "send again" in client.get(reverse("mail:outbound") + "?status=failed").content.decode()
    monkeypatch.setenv("BSPOS_SMTP_PORT", working_port)
    client.post(reverse("mail:resend", args=[failed.pk]))
    assert len(smtp_env) == 1 and "Rebooted the firewall." in smtp_env[0].get_payload()
    client.post(reverse("mail:resend", args=[failed.pk]))  # a second click sends nothing more
    assert len(smtp_env) == 1
    assert OutboundMessage.objects.filter(status=OutboundMessage.Status.SENT).count() == 1
