"""Portal access on and off from a contact's page and the API: a login for the contact, an emailed link to set its
password (nobody at the MSP sees one), a mail failure said out loud, and ending access ends the sign-in."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from bspos.audit.models import AuditEvent
from bspos.clients.tests.factories import ContactFactory
from bspos.conftest import signs_in
from bspos.people.models import Role, User
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/set-password/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def tech(client):
    user = UserFactory(role=Role.TECHNICIAN)
    client.force_login(user)
    return user


def test_turning_access_on_emails_a_link_the_contact_sets_their_password_with(client, tech):
    contact = ContactFactory(first_name="Pat", email="Pat@Acme.test")
    response = client.post(reverse("clients:contact_portal", args=[contact.pk]), {"action": "grant"}, follow=True)
    assert "was emailed a link to set a password" in response.content.decode()
    login = User.objects.get(contact=contact)
    assert (login.username, login.role, login.is_active, login.has_usable_password()) == (
        "pat@acme.test", Role.CLIENT_CONTACT, True, False)
    assert AuditEvent.objects.get(content_type__model="contact").changes == {"user_id": [None, login.pk]}
    (message,) = mail.outbox
    assert message.to == ["Pat@Acme.test"] and "pat@acme.test" in message.body

    client.logout()
    path = LINK.search(message.body).group(1)
    form = client.get(path, follow=True)
    assert "Choose your password" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "blue-harbour-17", "new_password2":
                                                    "blue-harbour-17"}, follow=True)
    assert "Password set" in done.content.decode()
    assert signs_in(client, "pat@acme.test", "blue-harbour-17")
    assert client.get(reverse("portal:tickets")).status_code == 200
    client.logout()
    assert "expired or was already used" in client.get(path, follow=True).content.decode()  # the link works once


def test_ending_access_ends_the_login_and_turning_it_on_again_reopens_it(client, tech):
    contact = ContactFactory(user=UserFactory(username="pat", role=Role.CLIENT_CONTACT))
    url = reverse("clients:contact_portal", args=[contact.pk])
    assert client.post(url, {"action": "end"}).status_code == 302
    contact.user.refresh_from_db()
    assert contact.user.is_active is False
    assert client.post(url, {"action": "grant"}).status_code == 302
    contact.user.refresh_from_db()
    assert contact.user.is_active is True and User.objects.filter(role=Role.CLIENT_CONTACT).count() == 1
    assert len(mail.outbox) == 1


def test_a_mail_failure_is_shown_and_the_link_can_be_sent_again(client, tech, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    contact = ContactFactory(first_name="Pat")
    response = client.post(reverse("clients:contact_portal", args=[contact.pk]), {"action": "grant"}, follow=True)
    page = response.content.decode()
    assert "could not be sent" in page and "send the link again" in page
    assert "Email a new set-password link" in page  # the button to do so
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(reverse("clients:contact_portal", args=[contact.pk]), {"action": "resend"}, follow=True)
    assert "A new set-password link was emailed" in response.content.decode() and len(mail.outbox) == 1


def test_access_needs_an_active_contact_with_an_email(client, tech):
    no_email = ContactFactory(email="")
    left = ContactFactory(is_active=False)
    for contact, why in ((no_email, "email first: the set-password link is sent there"),
                         (left, "Reactivate the contact first")):
        response = client.post(reverse("clients:contact_portal", args=[contact.pk]), {"action": "grant"},
                               follow=True)
        assert why in response.content.decode()
    assert not User.objects.filter(role=Role.CLIENT_CONTACT).exists() and not mail.outbox


def test_an_email_another_login_uses_is_refused(client, tech):
    UserFactory(username="pat@acme.test")
    contact = ContactFactory(email="pat@acme.test")
    response = client.post(reverse("clients:contact_portal", args=[contact.pk]), {"action": "grant"}, follow=True)
    assert "Another login already uses pat@acme.test" in response.content.decode()
    contact.refresh_from_db()
    assert contact.user is None and not mail.outbox


def test_the_api_turns_access_on_and_off_with_the_same_rules(client, tech):
    contact = ContactFactory()
    answer = client.post(f"/api/v1/contacts/{contact.pk}/portal-access")
    assert answer.status_code == 200 and answer.json()["link_sent"] is True
    assert client.get(f"/api/v1/contacts/{contact.pk}").json()["has_portal_login"] is True
    assert client.delete(f"/api/v1/contacts/{contact.pk}/portal-access").status_code == 204
    assert client.get(f"/api/v1/contacts/{contact.pk}").json()["has_portal_login"] is False
    client.force_login(UserFactory(role=Role.FINANCE))
    refused = client.post(f"/api/v1/contacts/{contact.pk}/portal-access")
    assert refused.status_code == 403 and "contacts.write" in refused.json()["detail"]
    assert len(mail.outbox) == 1
