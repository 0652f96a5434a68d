"""The mail lists filter through their FilterSets (triage and quarantine are outcomes of one list); a bad value is a
message above the list, never a 500; triage refuses a junk client id; the back office reads mail, never edits it."""

import pytest
from django.urls import reverse

from bspos.clients.tests.factories import ClientFactory
from bspos.mail.models import InboundMessage, OutboundMessage, Outcome
from bspos.mail.tests.factories import InboundMessageFactory, OutboundMessageFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk.tests.factories import TicketFactory


@pytest.fixture
def staff(client, db):
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    return client


def subjects(response) -> set[str]:
    return {message.subject for message in response.context["page"]}


def test_inbound_mail_filters_by_outcome_ticket_and_search(staff, db):
    ticket = TicketFactory()
    InboundMessageFactory(subject="Who am I", sender="x@unknown.test")
    InboundMessageFactory(subject="Garbled", outcome=Outcome.QUARANTINED)
    InboundMessageFactory(subject="Printer jams", outcome=Outcome.TICKET, ticket=ticket)
    page = reverse("mail:list")
    assert subjects(staff.get(page)) == {"Who am I", "Garbled", "Printer jams"}
    triage = staff.get(page, {"outcome": "triage"})
    assert subjects(triage) == {"Who am I"} and 'aria-current="page">Unknown sender (triage)' in triage.content.decode()
    assert subjects(staff.get(page, {"outcome": "quarantined"})) == {"Garbled"}
    assert subjects(staff.get(page, {"ticket": ticket.number})) == {"Printer jams"}
    assert subjects(staff.get(page, {"q": "unknown.test"})) == {"Who am I"}


@pytest.mark.parametrize("params", [{"ticket": "#12"}, {"ticket": "99999999999999999999999"}, {"q": "a\x00"},
                                    {"outcome": "lost"}])
def test_a_bad_mail_filter_is_ignored_with_a_message(staff, db, params):
    InboundMessageFactory(subject="Who am I")
    response = staff.get(reverse("mail:list"), params)
    assert response.status_code == 200 and b"Some filters were ignored" in response.content
    assert subjects(response) == {"Who am I"}


def test_sent_mail_filters_by_state_ticket_and_search(staff, db):
    vpn = OutboundMessageFactory(subject="Re: VPN", to="bob@acme.test")
    OutboundMessageFactory(subject="Re: Printer", state=OutboundMessage.State.FAILED, error="Connection refused")
    OutboundMessageFactory(subject="Re: Scanner", state=OutboundMessage.State.GAVE_UP, attempts=6)
    page = reverse("mail:outbound")
    assert subjects(staff.get(page, {"state": "failed"})) == {"Re: Printer"}
    assert subjects(staff.get(page, {"state": "gave_up"})) == {"Re: Scanner"}
    assert subjects(staff.get(page, {"q": "bob@"})) == {"Re: VPN"}
    assert subjects(staff.get(page, {"ticket": vpn.ticket.number})) == {"Re: VPN"}
    assert b"No messages match" in staff.get(page, {"q": "nobody"}).content
    assert staff.get(page, {"state": "x\x00"}).status_code == 200


def test_triage_with_a_junk_client_id_is_a_message_and_the_message_stays_in_triage(staff, db):
    message = InboundMessageFactory()
    for junk in ["abc", "99999999999999999999999", ""]:
        response = staff.post(reverse("mail:triage", args=[message.pk, "assign"]), {"client": junk}, follow=True)
        assert b"Choose the client this message is from" in response.content
    message.refresh_from_db()
    assert message.outcome == Outcome.TRIAGE and message.ticket_id is None
    acme = ClientFactory()
    staff.post(reverse("mail:triage", args=[message.pk, "assign"]), {"client": acme.pk})
    message.refresh_from_db()
    assert message.outcome == Outcome.TICKET and message.ticket.client == acme


def test_a_contact_sees_only_their_companys_mail_through_visible_to(db):
    from bspos.clients.tests.factories import ContactFactory

    ticket = TicketFactory()
    mine = InboundMessageFactory(ticket=ticket, outcome=Outcome.TICKET)
    InboundMessageFactory()  # triage: nobody's company
    contact = ContactFactory(client=ticket.client, user=UserFactory(role=Role.CLIENT_CONTACT))
    assert list(InboundMessage.objects.visible_to(contact.user)) == [mine]
    assert InboundMessage.objects.visible_to(UserFactory(role=Role.FINANCE)).count() == 2


def test_the_back_office_shows_mail_read_only(client, db):
    client.force_login(UserFactory(role=Role.OWNER, is_staff=True, is_superuser=True))
    message = InboundMessageFactory(subject="Keep me")
    change = reverse("admin:mail_inboundmessage_change", args=[message.pk])
    assert b"Keep me" in client.get(change).content
    assert client.post(change, {"subject": "Changed", "outcome": "discarded"}).status_code == 403
    assert client.post(reverse("admin:mail_inboundmessage_delete", args=[message.pk]), {"post": "yes"}).status_code \
        == 403
    message.refresh_from_db()
    assert (message.subject, message.outcome) == ("Keep me", Outcome.TRIAGE)


@pytest.mark.parametrize("name", ["mail:list", "mail:outbound"])
def test_the_mail_lists_make_as_many_queries_for_30_rows_as_for_3(staff, db, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(reverse(name)).status_code == 200
        return len(captured)

    def add(n: int) -> None:
        for _ in range(n):
            ticket = TicketFactory()
            InboundMessageFactory(ticket=ticket, outcome=Outcome.TICKET)
            OutboundMessageFactory(ticket=ticket)

    add(3)
    few = queries()
    add(27)
    assert queries() == few
