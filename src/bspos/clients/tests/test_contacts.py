"""Deleting a contact ends their login in the same transaction; a contact login without its Contact row reaches
nothing and never meets a 500."""

import json

import pytest
from django.urls import reverse

from bspos.audit.models import AuditEvent
from bspos.clients import services
from bspos.clients.models import Contact
from bspos.clients.tests.factories import ContactFactory
from bspos.conftest import signs_in
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory(role=Role.SERVICE_MANAGER)


@pytest.fixture
def contact_with_login():
    return ContactFactory(user=UserFactory(username="pat", role=Role.CLIENT_CONTACT))


def test_deleting_a_contact_over_the_api_deactivates_their_login(client, manager, contact_with_login):
    client.force_login(manager)
    response = client.delete(f"/api/v1/contacts/{contact_with_login.pk}")
    assert response.status_code == 204
    assert not Contact.objects.exists()
    login = contact_with_login.user
    login.refresh_from_db()
    assert login.is_active is False
    assert AuditEvent.objects.get(object_id=contact_with_login.pk, content_type__model="contact").action == "deleted"
    ended = AuditEvent.objects.get(object_id=login.pk, content_type__model="user")
    assert ended.changes == {"is_active": [True, False]}
    assert not signs_in(client, "pat", "pw")


def test_a_deleted_contacts_open_session_no_longer_reaches_the_portal(client, contact_with_login, manager):
    client.force_login(contact_with_login.user)
    assert client.get(reverse("portal:tickets")).status_code == 200
    services.delete_contact(by=manager, contact=contact_with_login)
    assert client.get(reverse("portal:tickets")).status_code == 302  # signed out: to the login page


def test_deleting_a_contact_in_the_back_office_deactivates_their_login(client, contact_with_login):
    client.force_login(UserFactory(username="boss", role=Role.OWNER, is_staff=True, is_superuser=True))
    response = client.post(reverse("admin:clients_contact_delete", args=[contact_with_login.pk]), {"post": "yes"})
    assert response.status_code == 302
    contact_with_login.user.refresh_from_db()
    assert not Contact.objects.exists() and contact_with_login.user.is_active is False
    assert {event.actor.username for event in AuditEvent.objects.all()} == {"boss"}  # the contact and its login


def test_a_contact_login_without_its_contact_row_is_refused_not_a_500(client):
    orphan = UserFactory(role=Role.CLIENT_CONTACT)
    client.force_login(orphan)
    for url in (reverse("portal:tickets"), reverse("portal:new")):
        assert client.get(url).status_code == 403
    assert client.post(reverse("portal:new"), {"subject": "Help", "description": "x"}).status_code == 403
    response = client.post("/api/v1/tickets", json.dumps({"subject": "Help", "description": "x"}),
                           content_type="application/json")
    assert response.status_code == 403 and "no longer linked to a contact" in response.json()["detail"]
