"""The outbox: a mail server that is down is retried with backoff and given up after a stated number of attempts,
all of it visible at /mail/sent/; without a mail server everything is kept and shown as not sent."""

import os
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bspos.conftest import free_port
from bspos.mail import services
from bspos.mail.models import OutboundMessage
from bspos.people.models import Role, User
from bspos.servicedesk import services as desk


@pytest.fixture
def ticket(alice):
    return desk.create_ticket(client=alice.client, contact=alice, subject="Firewall")


def make_due() -> None:
    """The retry's wait is over (what the clock would do)."""
    OutboundMessage.objects.exclude(next_attempt_at=None).update(next_attempt_at=timezone.now())


def test_a_server_that_is_down_is_retried_with_backoff_then_given_up_and_shown(
        smtp_env, ticket, tech, client, monkeypatch):
    working_port = os.environ["BSPOS_SMTP_PORT"]
    monkeypatch.setenv("BSPOS_SMTP_PORT", str(free_port()))  # nothing listens there
    note = desk.add_note(ticket, author=tech, body="Rebooted the firewall.")
    waits = []
    for _attempt in range(services.MAX_ATTEMPTS):
        before = timezone.now()
        assert services.send_due() == 0
        record = OutboundMessage.objects.get()
        if record.next_attempt_at:
            waits.append(round((record.next_attempt_at - before) / timedelta(minutes=1)))
        make_due()
    assert waits == list(services.RETRY_MINUTES)  # 1, 5, 15, 60, 240 minutes
    assert (record.state, record.attempts, record.next_attempt_at) == (OutboundMessage.State.GAVE_UP, 6, None)
    assert "ConnectionRefusedError" in record.error and record.note == note
    assert ticket.notes.filter(body="Rebooted the firewall.").exists()  # the reply itself is never lost
    assert services.send_due() == 0 and OutboundMessage.objects.get().attempts == 6  # given up: no more tries

    client.force_login(tech)
    page = client.get(reverse("mail:outbound"), {"state": "gave_up"}).content.decode()
    assert "Gave up" in page and "Connection" in page and ">6<" in page
    assert "after 6 failed attempts it is given up" in page
    detail = client.get(reverse("mail:outbound_detail", args=[record.pk])).content.decode()
    assert "Send again now" in detail and "6 of 6" in detail and "Rebooted the firewall." in detail

    # The server is back: sending it again from the page delivers it once, the same message.
    monkeypatch.setenv("BSPOS_SMTP_PORT", working_port)
    client.post(reverse("mail:resend", args=[record.pk]))
    assert len(smtp_env) == 1 and smtp_env[0]["Message-ID"] == record.message_id
    response = client.post(reverse("mail:resend", args=[record.pk]), follow=True)  # a second click
    assert "sent, or is being sent, already" in response.content.decode() and len(smtp_env) == 1


def test_a_failure_then_a_recovery_sends_on_the_next_due_run(smtp_env, ticket, tech, monkeypatch):
    working_port = os.environ["BSPOS_SMTP_PORT"]
    monkeypatch.setenv("BSPOS_SMTP_PORT", str(free_port()))
    desk.add_note(ticket, author=tech, body="On it.")
    services.send_due()
    monkeypatch.setenv("BSPOS_SMTP_PORT", working_port)
    assert services.send_due() == 0  # not yet: the wait after the first failure is a minute
    make_due()
    assert services.send_due() == 1 and len(smtp_env) == 1
    record = OutboundMessage.objects.get()
    assert (record.state, record.attempts, record.error) == (OutboundMessage.State.SENT, 2, "")


def test_a_message_claimed_by_one_run_is_not_sent_by_another(smtp_env, ticket, tech):
    desk.add_note(ticket, author=tech, body="On it.")
    pk = OutboundMessage.objects.get().pk
    assert services.deliver_outbound(pk) == OutboundMessage.State.SENT
    assert services.deliver_outbound(pk) is None and services.send_due() == 0
    assert len(smtp_env) == 1


def test_without_a_mail_server_the_outbox_keeps_what_would_have_been_sent(outbox, ticket, tech, client, alice,
                                                                           monkeypatch):
    monkeypatch.delenv("BSPOS_SMTP_HOST", raising=False)
    assert not services.sending_enabled()
    desk.add_note(ticket, author=tech, body="We replaced the switch.")
    record = OutboundMessage.objects.get()
    assert record.state == OutboundMessage.State.HELD and record.to == "alice@acme-dental.test"
    assert services.send_due() == 0
    client.force_login(tech)
    page = client.get(reverse("mail:outbound")).content.decode()
    assert "No mail server is configured" in page and "Not sent: no mail server configured" in page
    detail = client.get(reverse("mail:outbound_detail", args=[record.pk])).content.decode()
    assert "exactly what would have been sent" in detail and "We replaced the switch." in detail
    assert f"Message-ID: {record.message_id}" in detail.replace("&lt;", "<").replace("&gt;", ">")
    response = client.post(reverse("mail:resend", args=[record.pk]), follow=True)
    assert "No mail server is configured" in response.content.decode()
    assert OutboundMessage.objects.get().state == OutboundMessage.State.HELD


def test_the_portal_promises_email_only_when_mail_is_sent(outbox, alice, client, monkeypatch):
    alice.user = User.objects.create_user("alice", password="x" * 12, role=Role.CLIENT_CONTACT)
    alice.save()
    client.force_login(alice.user)
    monkeypatch.delenv("BSPOS_SMTP_HOST", raising=False)
    new = {"subject": "VPN down", "description": "Since this morning."}
    page = client.post(reverse("portal:new"), new, follow=True).content.decode()
    assert "We&#x27;ll reply here." in page and "by email" not in page
    monkeypatch.setenv("BSPOS_SMTP_HOST", "127.0.0.1")
    page = client.post(reverse("portal:new"), new, follow=True).content.decode()
    assert "We&#x27;ll reply here and by email." in page


def test_only_staff_see_the_outbox(outbox, ticket, tech, alice, client):
    desk.add_note(ticket, author=tech, body="Internal detail for the client.")
    record = OutboundMessage.objects.get()
    client.force_login(User.objects.create_user("alice", password="x" * 12, role=Role.CLIENT_CONTACT))
    assert client.get(reverse("mail:outbound_detail", args=[record.pk])).status_code in (403, 404)
    assert client.post(reverse("mail:resend", args=[record.pk])).status_code in (403, 404)
