"""Email in: one message → ticket, reply, triage, ignored or quarantined; nothing twice, nothing lost."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from bspos.clients.models import Client, Contact
from bspos.mail.models import Attachment, InboundMessage, Outcome
from bspos.mail.services import assign_from_triage, ingest
from bspos.mail.tests.conftest import mail
from bspos.servicedesk import services as desk
from bspos.servicedesk.models import Note, Source, Status, Ticket


def test_a_known_contact_opens_an_email_ticket_for_their_client(alice):
    message, created = ingest(mail(body="The printer on floor 2 jams on every job."))
    assert created and message.outcome == Outcome.TICKET
    ticket = message.ticket
    assert (ticket.client, ticket.contact, ticket.source) == (alice.client, alice, Source.EMAIL)
    assert ticket.subject == "Printer jams on floor 2"
    assert "jams on every job" in ticket.description
    message.refresh_from_db()
    assert bytes(message.raw).startswith(b"From: Alice Moss")


def test_an_unknown_person_at_a_known_domain_opens_a_ticket_for_that_client(alice):
    message, _ = ingest(mail(sender="bob@acme-dental.test"))
    assert message.outcome == Outcome.TICKET
    assert message.ticket.client == alice.client and message.ticket.contact is None


def test_the_client_website_domain_matches_too(acme):
    message, _ = ingest(mail(sender="ceo@acme-dental.test"))
    assert message.ticket.client == acme


def test_unknown_senders_wait_in_triage_and_a_person_assigns_them(acme, tech):
    message, _ = ingest(mail(sender="someone@elsewhere.test", attachments=[("log.txt", "text/plain", b"x")]))
    assert message.outcome == Outcome.TRIAGE and message.ticket is None
    assert not Ticket.objects.exists()
    ticket = assign_from_triage(message, client=acme, by=tech)
    message.refresh_from_db()
    assert message.outcome == Outcome.TICKET and message.ticket == ticket and ticket.client == acme
    assert Attachment.objects.get(message=message).ticket == ticket


def test_freemail_domains_never_match_a_client(acme):
    Contact.objects.create(client=acme, first_name="Al", email="al@gmail.com")
    message, _ = ingest(mail(sender="stranger@gmail.com"))
    assert message.outcome == Outcome.TRIAGE


def test_the_same_message_twice_creates_nothing_twice(alice):
    raw = mail(message_id="<once@acme-dental.test>")
    first, created = ingest(raw)
    again, created_again = ingest(raw)
    assert created and not created_again and first.pk == again.pk
    assert Ticket.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_a_message_without_message_id_is_deduplicated_by_its_bytes(alice):
    raw = b"From: alice@acme-dental.test\r\nSubject: No id\r\n\r\nHello\r\n"
    assert ingest(raw)[1] and not ingest(raw)[1]
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_message_fetched_concurrently_opens_one_ticket(alice):
    raw = mail(message_id="<race@acme-dental.test>")
    results, errors = [], []

    def worker():
        try:
            results.append(ingest(raw)[1])
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and sorted(results) == [False, False, False, True]
    assert Ticket.objects.count() == 1


def test_a_reply_threads_by_the_ticket_token_and_reopens_a_waiting_ticket(alice):
    ticket = desk.create_ticket(client=alice.client, contact=alice, subject="VPN down")
    desk.change_status(ticket, Status.WAITING_ON_CLIENT)
    message, _ = ingest(mail(subject=f"Re: [#{ticket.number}] VPN down", body="It works again, thanks."))
    assert message.outcome == Outcome.REPLY and message.ticket == ticket
    note = Note.objects.get(ticket=ticket)
    assert "It works again" in note.body and not note.is_internal
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and Ticket.objects.count() == 1


def test_a_reply_threads_by_in_reply_to_without_the_token(alice):
    first, _ = ingest(mail(message_id="<first@acme-dental.test>"))
    reply, _ = ingest(mail(subject="Re: Printer", headers={"In-Reply-To": "<first@acme-dental.test>",
                                                           "References": "<first@acme-dental.test>"}))
    assert reply.outcome == Outcome.REPLY and reply.ticket == first.ticket
    assert Ticket.objects.count() == 1


def test_a_reply_to_a_closed_ticket_opens_a_follow_up(alice):
    ticket = desk.create_ticket(client=alice.client, contact=alice, subject="Old")
    desk.change_status(ticket, Status.CLOSED, resolution="Fixed.")
    message, _ = ingest(mail(subject=f"Re: [#{ticket.number}] Old"))
    assert message.outcome == Outcome.TICKET and message.ticket != ticket
    assert f"#{ticket.number}" in message.ticket.description


def test_a_token_from_a_stranger_does_not_write_into_the_ticket(alice):
    ticket = desk.create_ticket(client=alice.client, contact=alice, subject="Payroll")
    message, _ = ingest(mail(sender="mallory@evil.test", subject=f"Re: [#{ticket.number}] Payroll"))
    assert message.outcome == Outcome.TRIAGE
    assert not Note.objects.filter(ticket=ticket).exists()


@pytest.mark.parametrize("headers", [
    {"Auto-Submitted": "auto-replied"},
    {"Auto-Submitted": "auto-generated"},
    {"Precedence": "bulk"},
    {"Precedence": "junk"},
    {"X-Autoreply": "yes"},
    {"Return-Path": "<>"},
])
def test_auto_replies_and_bounces_never_open_tickets(alice, headers):
    message, _ = ingest(mail(subject="Out of office", headers=headers))
    assert message.outcome == Outcome.AUTO and message.reason
    assert not Ticket.objects.exists()


def test_auto_submitted_no_is_a_person(alice):
    message, _ = ingest(mail(headers={"Auto-Submitted": "no"}))
    assert message.outcome == Outcome.TICKET


def test_a_delivery_report_from_the_mailer_daemon_is_ignored(alice):
    raw = (b"From: MAILER-DAEMON@mx.acme-dental.test\r\nSubject: Undelivered Mail\r\nMessage-ID: <b@mx>\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=XX\r\n\r\n"
           b"--XX\r\nContent-Type: text/plain\r\n\r\nDelivery failed\r\n--XX--\r\n")
    message, _ = ingest(raw)
    assert message.outcome == Outcome.AUTO and not Ticket.objects.exists()


def test_attachments_are_kept_with_the_ticket(alice):
    pdf = b"%PDF-1.4 fake invoice"
    message, _ = ingest(mail(attachments=[("invoice.pdf", "application/pdf", pdf)]))
    attachment = Attachment.objects.get(message=message)
    assert (attachment.filename, attachment.ticket, attachment.size) == ("invoice.pdf", message.ticket, len(pdf))
    assert attachment.file.read() == pdf


def test_ingest_mail_command_reads_a_file_and_standard_input(alice, tmp_path, monkeypatch):
    path = tmp_path / "m.eml"
    path.write_bytes(mail(message_id="<file@acme-dental.test>"))
    out = io.StringIO()
    call_command("ingest-mail", str(path), stdout=out)
    assert "Opened a ticket" in out.getvalue()

    class Stdin:
        buffer = io.BytesIO(mail(message_id="<stdin@acme-dental.test>", subject="From a pipe"))

    monkeypatch.setattr("sys.stdin", Stdin)
    call_command("ingest-mail", "-", stdout=out)
    assert Ticket.objects.filter(subject="From a pipe").exists()
    call_command("ingest-mail", str(path), stdout=out)
    assert "already ingested" in out.getvalue() and Ticket.objects.count() == 2
    assert Client.objects.count() == 1


def test_ingest_mail_asks_the_mail_server_to_retry_when_it_cannot_store(alice, tmp_path, monkeypatch):
    path = tmp_path / "m.eml"
    path.write_bytes(mail())

    def broken(raw):
        raise OSError("disk full")

    monkeypatch.setattr("bspos.mail.management.commands.ingest-mail.ingest", broken)
    with pytest.raises(SystemExit) as exit_info:
        call_command("ingest-mail", str(path), stderr=io.StringIO())
    assert exit_info.value.code == 75
