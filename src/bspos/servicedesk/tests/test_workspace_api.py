"""The composer and the canned replies through the API: one call, all or nothing; a contact meets 404."""

import pytest

from bspos.api.services import create_token
from bspos.servicedesk import services
from bspos.servicedesk.models import Status, TimeEntry
from bspos.servicedesk.tests.factories import TicketFactory


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {create_token(user=user, name='test', scope='write')[1]}"}


@pytest.fixture
def ticket(company, contact):
    return TicketFactory(client=company, contact=contact)


def test_respond_replies_logs_time_and_resolves_in_one_call(client, tech, ticket):
    response = client.post(f"/api/v1/tickets/{ticket.number}/respond", {
        "body": "Fixed.", "minutes": 30, "status": "resolved", "resolution": "Reset the router."},
        content_type="application/json", headers=bearer(tech))
    assert response.status_code == 200 and response.json()["status"] == "resolved"
    assert TimeEntry.objects.get(ticket=ticket).minutes == 30 and ticket.notes.get().body == "Fixed."


def test_respond_without_a_resolution_is_refused_and_changes_nothing(client, tech, ticket):
    response = client.post(f"/api/v1/tickets/{ticket.number}/respond", {
        "body": "Fixed.", "minutes": 30, "status": "resolved"}, content_type="application/json", headers=bearer(tech))
    assert response.status_code == 422 and services.RESOLUTION_NEEDED in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW and not ticket.notes.exists() and not TimeEntry.objects.exists()


def test_canned_replies_are_listed_and_filled_for_a_ticket(client, tech, ticket):
    reply = services.save_canned_reply(title="Hello", body="Hi {contact_first_name} (#{ticket_number})")
    listed = client.get("/api/v1/canned-replies", headers=bearer(tech)).json()
    assert [item["body"] for item in listed["items"]] == ["Hi {contact_first_name} (#{ticket_number})"]
    filled = client.get(f"/api/v1/tickets/{ticket.number}/canned-replies/{reply.pk}", headers=bearer(tech))
    assert filled.json()["text"] == f"Hi Alice (#{ticket.number})"


def test_a_client_contact_meets_404_on_canned_replies(client, contact, ticket):
    reply = services.save_canned_reply(title="Hello", body="Hi")
    headers = bearer(contact.user)
    assert client.get("/api/v1/canned-replies", headers=headers).status_code == 404
    assert client.get(f"/api/v1/tickets/{ticket.number}/canned-replies/{reply.pk}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/tickets/{ticket.number}/respond", {"body": "x"}, content_type="application/json",
                       headers=headers).status_code == 404
