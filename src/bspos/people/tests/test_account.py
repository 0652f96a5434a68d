"""The account page: a person sets their time zone (every date and time follows it), name and email."""

from datetime import UTC, datetime

import pytest

from bspos.clients.tests.factories import ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk.models import Ticket
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_the_time_zone_changes_the_times_a_page_shows(client, settings):
    settings.TIME_ZONE = "UTC"
    contact = ContactFactory(user=UserFactory(role=Role.CLIENT_CONTACT))
    ticket = TicketFactory(client=contact.client, subject="Mail server down")
    Ticket.objects.filter(pk=ticket.pk).update(created_at=datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    client.force_login(contact.user)
    page = client.get(f"/portal/{ticket.number}/").content.decode()
    assert "Opened 2 Nov 2026, 10:00" in page  # the MSP's zone by default

    answer = client.post("/account/", {"first_name": "Ada", "last_name": "Client", "email": "ada@client.test",
                                       "time_zone": "Europe/Berlin"}, follow=True)
    assert "Your account is saved." in answer.content.decode()
    contact.user.refresh_from_db()
    assert contact.user.time_zone == "Europe/Berlin" and contact.user.get_full_name() == "Ada Client"
    page = client.get(f"/portal/{ticket.number}/").content.decode()
    assert "Opened 2 Nov 2026, 11:00" in page  # Berlin is an hour ahead in November


def test_an_unknown_time_zone_is_refused_with_a_message_and_nothing_changes(client):
    person = UserFactory(role=Role.FINANCE, first_name="Fin", time_zone="Europe/Paris")
    client.force_login(person)
    answer = client.post("/account/", {"first_name": "Changed", "last_name": "", "email": "",
                                       "time_zone": "Mars/Olympus_Mons"})
    assert answer.status_code == 400
    assert "Select a valid choice" in answer.content.decode()
    person.refresh_from_db()
    assert person.time_zone == "Europe/Paris" and person.first_name == "Fin"


def test_the_service_refuses_an_unknown_zone_too():
    from django.core.exceptions import ValidationError

    from bspos.people.services import update_profile

    person = UserFactory(time_zone="")
    with pytest.raises(ValidationError):
        update_profile(user=person, first_name="", last_name="", email="", time_zone="Nowhere/Land")
    person.refresh_from_db()
    assert person.time_zone == ""


def test_the_account_page_links_the_api_tokens_and_a_contact_has_one_too(client):
    contact = UserFactory(role=Role.CLIENT_CONTACT)
    client.force_login(contact)
    page = client.get("/account/").content.decode()
    assert "Your account" in page and 'href="/account/tokens/"' in page and "Europe/Berlin" in page
