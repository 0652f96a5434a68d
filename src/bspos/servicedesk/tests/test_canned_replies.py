"""Canned replies: written by the service manager with placeholders, refused when a placeholder is unknown, inserted
into a ticket's composer filled for that ticket after what is already typed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bspos.servicedesk import services
from bspos.servicedesk.models import CannedReply
from bspos.servicedesk.tests.factories import TicketFactory


def test_the_service_manager_adds_a_canned_reply(client, manager):
    client.force_login(manager)
    response = client.post(reverse("servicedesk:canned"), {
        "title": "Reboot first", "body": "Hi {contact_first_name}, please restart and tell us on #{ticket_number}."},
        follow=True)
    assert "Canned reply “Reboot first” saved." in response.content.decode()
    assert CannedReply.objects.get().title == "Reboot first"


def test_an_unknown_placeholder_is_refused_with_the_known_ones_named(client, manager):
    client.force_login(manager)
    response = client.post(reverse("servicedesk:canned"), {"title": "Oops", "body": "Hi {first_name}"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Unknown placeholder {first_name}" in page and "{contact_first_name}" in page
    assert not CannedReply.objects.exists()


@pytest.mark.parametrize("body", ["Hi {contact_first_name", "Hi }", "Hi {}", "Hi {0}", "{client_name.upper}"])
def test_malformed_or_positional_placeholders_are_refused(db, body):
    with pytest.raises(ValidationError):
        services.save_canned_reply(title="Broken", body=body)
    assert not CannedReply.objects.exists()


def test_a_literal_brace_is_written_doubled(db):
    reply = services.save_canned_reply(title="JSON", body="Send {{\"ok\": true}}")
    assert reply.pk


def test_technicians_use_canned_replies_but_cannot_manage_them(client, tech):
    client.force_login(tech)
    assert client.get(reverse("servicedesk:canned")).status_code == 403
    assert client.post(reverse("servicedesk:canned"), {"title": "x", "body": "y"}).status_code == 403
    assert not CannedReply.objects.exists()


def test_editing_and_removing_a_canned_reply(client, manager):
    reply = services.save_canned_reply(title="Old", body="Hello")
    client.force_login(manager)
    client.post(reverse("servicedesk:canned_edit", args=[reply.pk]), {"title": "New", "body": "Hello {my_name}"})
    reply.refresh_from_db()
    assert (reply.title, reply.body) == ("New", "Hello {my_name}")
    client.post(reverse("servicedesk:canned_delete", args=[reply.pk]))
    assert not CannedReply.objects.exists()


def test_inserting_fills_the_placeholders_for_the_ticket_after_what_is_typed(client, tech, company, contact):
    ticket = TicketFactory(client=company, contact=contact)
    reply = services.save_canned_reply(
        title="Restart", body="Hi {contact_first_name}, about #{ticket_number} at {client_name}: restart it. {my_name}")
    client.force_login(tech)
    response = client.get(reverse("servicedesk:canned_insert", args=[ticket.number]),
                          {"canned": reply.pk, "body": "Thanks for the photo."})
    assert response.status_code == 200
    text = response.context["composer"]["body"].value()
    assert text == (f"Thanks for the photo.\n\nHi Alice, about #{ticket.number} at Acme Dental: restart it. "
                    f"{tech.get_full_name() or tech.username}")


def test_the_composer_lists_the_canned_replies(client, tech, company):
    ticket = TicketFactory(client=company)
    services.save_canned_reply(title="Password reset done", body="Done.")
    client.force_login(tech)
    assert "Password reset done" in client.get(reverse("servicedesk:ticket", args=[ticket.number])).content.decode()


def test_the_demos_canned_replies_use_only_known_placeholders(db):
    from bspos.demo.services import DEMO_CANNED_REPLIES

    for title, body in DEMO_CANNED_REPLIES:
        services.save_canned_reply(title=title, body=body)
    assert CannedReply.objects.count() == len(DEMO_CANNED_REPLIES)
