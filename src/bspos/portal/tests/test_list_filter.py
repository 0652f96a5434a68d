"""The portal's ticket list: all of the company's tickets, or the open ones only; a junk value filters nothing."""

import pytest

from bspos.clients.tests.factories import ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk.models import Status
from bspos.servicedesk.services import change_status
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_open_only_hides_resolved_tickets_and_junk_shows_all(client):
    contact = ContactFactory(user=UserFactory(role=Role.CLIENT_CONTACT))
    TicketFactory(client=contact.client, subject="Printer still jams")
    change_status(TicketFactory(client=contact.client, subject="Mail fixed"), Status.RESOLVED, resolution="Fixed.")
    TicketFactory(subject="Another company's ticket")
    client.force_login(contact.user)
    everything = client.get("/portal/").content.decode()
    assert "Printer still jams" in everything and "Mail fixed" in everything
    assert "Another company" not in everything
    only_open = client.get("/portal/?status=open").content.decode()
    assert "Printer still jams" in only_open and "Mail fixed" not in only_open
    junk = client.get("/portal/?status=%00").content.decode()
    assert "Mail fixed" in junk
