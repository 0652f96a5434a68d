"""The ticket workspace: one composer submit replies, logs time, moves the status and records the resolution, all
or nothing; the header's fields change in place; "Take it"; a ticket a technician opens is theirs by default."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bspos.audit.models import AuditEvent
from bspos.clients.tests.factories import ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk import services
from bspos.servicedesk.models import Note, Status, Ticket, TimeEntry
from bspos.servicedesk.tests.factories import TicketFactory


@pytest.fixture
def ticket(company):
    return TicketFactory(client=company)


def compose(client, ticket, **fields):
    return client.post(reverse("servicedesk:reply", args=[ticket.number]), {"kind": "reply", **fields})


def test_reply_log_half_an_hour_and_resolve_in_one_submit(client, tech, ticket):
    client.force_login(tech)
    response = compose(client, ticket, body="Replaced the toner; please print a test page.", minutes="30",
                       billable="on", status=Status.RESOLVED, resolution="Empty toner cartridge replaced.")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.resolution == "Empty toner cartridge replaced."
    assert ticket.first_response_at is not None
    note = Note.objects.get(ticket=ticket)
    assert not note.is_internal and note.author == tech
    entry = TimeEntry.objects.get(ticket=ticket)
    assert (entry.minutes, entry.billable, entry.technician) == (30, True, tech)
    page = client.get(response.url).content.decode()
    assert "Reply sent, 30 minutes logged, status is now resolved." in page


def test_an_internal_note_with_unbillable_time_and_waiting_on_the_client(client, tech, ticket):
    client.force_login(tech)
    compose(client, ticket, kind="note", body="Asked Alice for the admin password.", minutes="10",
            status=Status.WAITING_ON_CLIENT)
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING_ON_CLIENT and ticket.sla_paused_at is not None
    assert Note.objects.get(ticket=ticket).is_internal
    assert ticket.first_response_at is None  # an internal note is not a response to the client
    assert not TimeEntry.objects.get(ticket=ticket).billable


def test_the_composer_leaves_the_status_as_it_is_unless_a_move_is_chosen(client, tech, ticket):
    client.force_login(tech)
    page = client.get(reverse("servicedesk:ticket", args=[ticket.number])).content.decode()
    composer = page[page.index('id="composer"'):]
    assert '<option value="" selected>leave as is</option>' in composer[:composer.index("</form>")]
    compose(client, ticket, body="On it.")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN  # the first public reply opens a new ticket, nothing more


def test_resolving_without_a_resolution_note_is_refused_and_changes_nothing(client, tech, ticket):
    client.force_login(tech)
    response = compose(client, ticket, body="Fixed, I think.", minutes="20", billable="on", status=Status.RESOLVED)
    assert response.status_code == 400
    page = response.content.decode()
    assert services.RESOLUTION_NEEDED in page
    assert "Fixed, I think." in page  # what was typed is still there
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW and ticket.resolution == ""
    assert not Note.objects.filter(ticket=ticket).exists() and not TimeEntry.objects.filter(ticket=ticket).exists()


def test_a_refused_status_move_undoes_the_reply_and_the_time(tech, ticket):
    services.change_status(ticket, Status.CLOSED, by=tech, resolution="Fixed.")
    with pytest.raises(ValidationError, match="cannot become waiting on client"):
        services.respond(ticket, by=tech, body="Following up.", minutes=15, status=Status.WAITING_ON_CLIENT,
                         resolution="Done")
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.resolution == "Fixed."
    assert not Note.objects.filter(ticket=ticket).exists() and not TimeEntry.objects.filter(ticket=ticket).exists()


@pytest.mark.parametrize("fields, message", [
    ({}, "Write a reply or a note, log time or choose a status."),
    ({"body": "x", "minutes": "0"}, "Ensure this value is greater than or equal to 1."),
    ({"body": "x", "status": "reopened"}, "Select a valid choice."),
])
def test_bad_input_in_the_composer_is_shown_and_changes_nothing(client, tech, ticket, fields, message):
    client.force_login(tech)
    response = compose(client, ticket, **fields)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Note.objects.filter(ticket=ticket).exists()


def test_a_role_without_desk_write_cannot_use_the_composer(client, ticket):
    client.force_login(UserFactory(role=Role.FINANCE))
    assert compose(client, ticket, body="Hello", minutes="5").status_code == 403
    assert not TimeEntry.objects.filter(ticket=ticket).exists()


def test_take_it_is_offered_on_someone_elses_or_nobodys_ticket_and_makes_it_mine(client, tech, manager, ticket):
    url = reverse("servicedesk:ticket", args=[ticket.number])
    client.force_login(tech)
    assert "Take it" in client.get(url).content.decode()  # unassigned
    services.update_ticket(ticket, assignee=manager, by=manager)
    assert "Take it" in client.get(url).content.decode()  # someone else's
    client.post(reverse("servicedesk:take", args=[ticket.number]))
    ticket.refresh_from_db()
    assert ticket.assignee == tech
    assert "Take it" not in client.get(url).content.decode()
    assert AuditEvent.objects.filter(object_id=ticket.pk, actor=tech, changes__has_key="assignee_id").exists()


def test_a_ticket_a_technician_opens_is_theirs_unless_they_choose_otherwise(client, tech, company):
    client.force_login(tech)
    form = client.get(reverse("servicedesk:ticket_new")).context["form"]
    assert form["assignee"].value() == tech.pk
    client.post(reverse("servicedesk:ticket_new"), {
        "client": company.pk, "subject": "Laptop will not boot", "source": "phone", "ticket_type": "incident",
        "impact": 2, "urgency": 2, "assignee": tech.pk})
    assert Ticket.objects.get(subject="Laptop will not boot").assignee == tech
    client.post(reverse("servicedesk:ticket_new"), {
        "client": company.pk, "subject": "Nobody's yet", "source": "phone", "ticket_type": "incident",
        "impact": 2, "urgency": 2, "assignee": ""})
    assert Ticket.objects.get(subject="Nobody's yet").assignee is None


def test_the_header_changes_the_contact_in_place(client, tech, ticket, contact):
    client.force_login(tech)
    response = client.post(reverse("servicedesk:contact", args=[ticket.number]), {"contact": contact.pk},
                           follow=True)
    ticket.refresh_from_db()
    assert ticket.contact == contact and "Contact is now Alice" in response.content.decode()


def test_the_header_refuses_another_clients_contact(client, tech, ticket):
    stranger = ContactFactory()
    client.force_login(tech)
    response = client.post(reverse("servicedesk:contact", args=[ticket.number]), {"contact": stranger.pk},
                           follow=True)
    ticket.refresh_from_db()
    assert ticket.contact is None and "Choose one of this client" in response.content.decode()


def test_the_header_offers_resolving_only_once_the_ticket_has_a_resolution_note(client, tech, ticket):
    client.force_login(tech)
    url = reverse("servicedesk:ticket", args=[ticket.number])
    assert [v for v, _ in client.get(url).context["status_moves"]] == [Status.OPEN, Status.WAITING_ON_CLIENT]
    services.update_ticket(ticket, resolution="Rebooted the print server.", by=tech)
    assert Status.RESOLVED in [v for v, _ in client.get(url).context["status_moves"]]
