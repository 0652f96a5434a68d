"""Who sees which tickets, notes and time: one `visible_to(user)` per model, used by pages, portal and API."""

import pytest
from django.urls import reverse

from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk import services
from bspos.servicedesk.models import Note, Ticket, TimeEntry
from bspos.servicedesk.tests.factories import TicketFactory, TimeEntryFactory


@pytest.fixture
def two_companies(company, contact, tech):
    other = TicketFactory(client=ClientFactory(name="Other Co"))
    own = TicketFactory(client=company)
    services.add_note(own, author=tech, body="We are on it.")
    services.add_note(own, author=tech, body="Internal: password is hunter2", is_internal=True)
    services.add_note(other, author=tech, body="Other company's reply")
    TimeEntryFactory(technician=tech, ticket=own)
    return own, other


def test_desk_staff_see_every_ticket_note_and_time_entry(two_companies, tech):
    assert Ticket.objects.visible_to(tech).count() == 2
    assert Note.objects.visible_to(tech).count() == 3
    assert TimeEntry.objects.visible_to(tech).count() == 1


def test_a_contact_sees_their_companys_tickets_public_replies_and_no_time(two_companies, contact):
    own, _ = two_companies
    assert list(Ticket.objects.visible_to(contact.user)) == [own]
    assert list(Note.objects.visible_to(contact.user).values_list("body", flat=True)) == ["We are on it."]
    assert not TimeEntry.objects.visible_to(contact.user).exists()


def test_a_contact_login_without_a_company_and_anonymous_visitors_see_nothing(two_companies):
    from django.contrib.auth.models import AnonymousUser

    loose = UserFactory(role=Role.CLIENT_CONTACT)
    for user in (loose, AnonymousUser()):
        assert not Ticket.objects.visible_to(user).exists()
        assert not Note.objects.visible_to(user).exists()
        assert not TimeEntry.objects.visible_to(user).exists()


def test_the_portal_and_the_api_search_only_what_the_contact_may_read(client, two_companies, contact):
    own, other = two_companies
    client.force_login(contact.user)
    assert client.get(reverse("portal:ticket", args=[other.number])).status_code == 404
    page = client.get(reverse("portal:ticket", args=[own.number])).content.decode()
    assert "We are on it." in page and "hunter2" not in page
    found = client.get("/api/v1/tickets", {"q": "hunter2"}).json()
    assert found["count"] == 0  # an internal note is not searchable by the client
    assert client.get("/api/v1/tickets", {"q": "on it"}).json()["count"] == 1
    ContactFactory(client=own.client)  # another contact of the same company reads the same tickets
    assert client.get("/api/v1/tickets").json()["count"] == 1
