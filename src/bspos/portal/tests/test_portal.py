"""The client portal: own company only, public replies only."""

from datetime import date

import pytest
from django.urls import reverse

from bspos.demo.services import DemoSize, load_demo
from bspos.people.models import Role, User
from bspos.servicedesk import services
from bspos.servicedesk.models import Note, Source, Status, Ticket


@pytest.fixture
def contacts(db):
    load_demo(DemoSize(clients=4, months=1, seed=5, today=date(2026, 11, 20)))
    first, second = User.objects.filter(role=Role.CLIENT_CONTACT).select_related("contact__client")[:2]
    return first, second


def test_a_contact_sees_only_their_own_companys_tickets(client, contacts):
    mine, other = contacts
    client.force_login(mine)
    page = client.get(reverse("portal:tickets")).context["page"]
    own = Ticket.objects.filter(client=mine.contact.client).count()
    assert page.paginator.count == own > 0
    assert all(t.client_id == mine.contact.client_id for t in page)


def test_another_companys_ticket_url_answers_404(client, contacts):
    mine, other = contacts
    foreign = Ticket.objects.filter(client=other.contact.client).first()
    client.force_login(mine)
    assert client.get(reverse("portal:ticket", args=[foreign.number])).status_code == 404
    response = client.post(reverse("portal:reply", args=[foreign.number]), {"body": "let me in"})
    assert response.status_code == 404
    assert not Note.objects.filter(body="let me in").exists()


def test_internal_notes_never_reach_the_portal(client, contacts):
    mine, _ = contacts
    ticket = Ticket.objects.filter(client=mine.contact.client).first()
    services.add_note(ticket, author=User.objects.get(username="tech1"), body="Internal: password is hunter2",
                      is_internal=True)
    services.add_note(ticket, author=User.objects.get(username="tech1"), body="We are on it.")
    client.force_login(mine)
    page = client.get(reverse("portal:ticket", args=[ticket.number])).content.decode()
    assert "We are on it." in page and "hunter2" not in page


def test_a_contact_opens_a_ticket_and_replies(client, contacts):
    mine, _ = contacts
    client.force_login(mine)
    response = client.post(reverse("portal:new"), {"subject": "Cannot print invoices", "description": "Since 9am",
                                                   "urgent": "on"})
    ticket = Ticket.objects.get(subject="Cannot print invoices")
    assert response.url == reverse("portal:ticket", args=[ticket.number])
    assert ticket.client == mine.contact.client and ticket.contact == mine.contact
    assert ticket.source == Source.PORTAL and ticket.priority == 2
    services.change_status(ticket, Status.WAITING_ON_CLIENT)
    client.post(reverse("portal:reply", args=[ticket.number]), {"body": "Here is the screenshot."})
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN  # the client's answer restarts the clock
    assert ticket.first_response_at is None  # a client reply is not the desk's first response


def test_an_empty_portal_ticket_is_refused_and_nothing_is_created(client, contacts):
    mine, _ = contacts
    client.force_login(mine)
    count = Ticket.objects.count()
    assert client.post(reverse("portal:new"), {"subject": "", "description": ""}).status_code == 400
    assert Ticket.objects.count() == count


def test_staff_cannot_use_the_portal_as_a_contact(client, contacts):
    client.force_login(User.objects.get(username="tech1"))
    assert client.get(reverse("portal:tickets")).status_code == 403
