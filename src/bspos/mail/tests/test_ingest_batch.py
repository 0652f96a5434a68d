"""Mail in batches (fetchmail's path): the same outcome per message as one at a time, with the shared look-ups once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bspos.clients.models import Client, Contact
from bspos.mail.models import InboundMessage, Outcome
from bspos.mail.services import clients_for, ingest_batch
from bspos.mail.tests.conftest import mail
from bspos.servicedesk.models import Ticket


def test_a_batch_gives_each_message_its_own_outcome_in_order(alice):
    first = mail(subject="Scanner offline", message_id="<one@acme-dental.test>")
    batch = [first,
             mail(sender="bob@acme-dental.test", subject="VPN down"),
             mail(sender="someone@gmail.com", subject="Hello"),
             mail(subject="Out of office", headers={"Auto-Submitted": "auto-replied"}),
             mail(subject="Re: Scanner offline", headers={"In-Reply-To": "<one@acme-dental.test>"}),
             first,
             b"\x00\x00 not a message"]
    results = ingest_batch(batch)
    outcomes = [(message.outcome, created) for message, created in results]
    assert outcomes == [(Outcome.TICKET, True), (Outcome.TICKET, True), (Outcome.TRIAGE, True), (Outcome.AUTO, True),
                        (Outcome.REPLY, True), (Outcome.TICKET, False), (Outcome.QUARANTINED, True)]
    scanner = results[0][0].ticket
    assert results[4][0].ticket == scanner and results[5][0].pk == results[0][0].pk  # threaded; the copy is the same
    assert (scanner.contact, results[1][0].ticket.contact) == (alice, None)
    assert Ticket.objects.count() == 2 and InboundMessage.objects.count() == 6
    numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert numbers == [numbers[0], numbers[0] + 1]


def test_a_stored_message_in_a_later_batch_creates_nothing(alice):
    raw = mail(subject="Printer jams")
    ingest_batch([raw])
    again = ingest_batch([raw, mail(subject="Another")])
    assert [created for _message, created in again] == [False, True] and Ticket.objects.count() == 2


def test_senders_are_matched_like_one_at_a_time_with_a_fixed_number_of_queries(acme, alice):
    other = Client.objects.create(name="Globex", status="prospect", website="http://globex.test")
    hank = Contact.objects.create(client=other, first_name="Hank", email="HANK@globex.test")
    Contact.objects.create(client=acme, first_name="Shared", email="shared@both.test")
    Contact.objects.create(client=other, first_name="Shared", email="shared@both.test")
    senders = ["alice@acme-dental.test", "hank@globex.test", "new@globex.test", "ceo@acme-dental.test",
               "shared@both.test", "x@gmail.com", "x@nowhere.test"]
    with CaptureQueriesContext(connection) as captured:
        found = clients_for(senders)
    assert len(captured) <= 4
    assert found == {"alice@acme-dental.test": (acme, alice), "hank@globex.test": (other, hank),
                     "new@globex.test": (other, None), "ceo@acme-dental.test": (acme, None),
                     "shared@both.test": (None, None), "x@gmail.com": (None, None), "x@nowhere.test": (None, None)}


def test_a_larger_batch_of_new_tickets_costs_no_more_lookups_per_message(alice):
    def queries(count: int, tag: str) -> int:
        raws = [mail(subject=f"Issue {tag}{i}") for i in range(count)]
        with CaptureQueriesContext(connection) as captured:
            results = ingest_batch(raws)
        assert {message.outcome for message, _ in results} == {Outcome.TICKET}
        return len(captured)

    queries(1, "warm")
    one, ten = queries(1, "a"), queries(10, "b")
    assert ten - one <= 9 * (one - 3)  # the key, sender and agreement look-ups are not repeated per message
