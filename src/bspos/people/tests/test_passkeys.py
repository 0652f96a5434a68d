"""Passkeys on the server side: who may start which ceremony, what counts as a second factor, removing one.
The ceremonies themselves run in a real browser with a virtual authenticator (test_passkeys_browser)."""

import json
import re
import time

import pytest
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from bspos.audit.models import AuditEvent
from bspos.people import reauth, two_factor
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.people.tests.test_two_factor import PASSWORD, password_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def tech():
    return UserFactory(username="kim", role=Role.TECHNICIAN, password=PASSWORD)


def passkey_for(user, byte=1) -> WebAuthnCredential:
    return WebAuthnCredential.objects.create(user=user, name="Passkey", credential_id=bytes([byte]) * 16,
                                             public_key=b"not a real key", sign_count=0)


def _post_json(client, name):
    return client.post(reverse(f"otp_webauthn:{name}"), content_type="application/json", data={})


def _age_stamp(client):
    session = client.session
    session[reauth.SESSION_KEY] = int(time.time()) - 3600
    session.save()


def test_adding_a_passkey_needs_a_recent_sign_in_or_confirmation(client, tech):
    client.force_login(tech)
    options = _post_json(client, "credential-registration-begin").json()
    assert options["rp"]["id"] == "testserver" and options["user"]["name"] == "kim"
    _age_stamp(client)
    refused = _post_json(client, "credential-registration-begin")
    assert refused.status_code == 403 and "Confirm who you are" in refused.json()["detail"]
    assert _post_json(client, "credential-registration-complete").status_code == 403


def test_nobody_signed_in_cannot_add_a_passkey(client):
    assert _post_json(client, "credential-registration-begin").status_code == 403


def test_after_the_password_the_passkey_step_offers_only_that_persons_passkeys(client, tech):
    mine, _theirs = passkey_for(tech, 1), passkey_for(UserFactory(), 2)
    response = password_step(client)
    assert response["Location"].startswith(reverse("login_code")) and "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert b"Use my passkey" in page.content and b'name="code"' not in page.content  # no app, no codes: passkey
    options = _post_json(client, "credential-authentication-begin").json()
    assert [c["id"] for c in options["allowCredentials"]] == ["AQEBAQEBAQEBAQEBAQEBAQ"]
    assert mine.pk and options["userVerification"] == "discouraged"  # the password was the other factor


def test_a_passkey_alone_must_verify_the_person(client, tech):
    passkey_for(tech)
    options = _post_json(client, "credential-authentication-begin").json()
    assert options["userVerification"] == "required" and not options.get("allowCredentials")
    client.force_login(tech)  # confirming a sensitive action with a passkey alone
    assert _post_json(client, "credential-authentication-begin").json()["userVerification"] == "required"


def test_a_passkey_that_fails_signs_nobody_in(client, tech):
    passkey_for(tech)
    password_step(client)
    _post_json(client, "credential-authentication-begin")
    forged = {"id": "AQEBAQEBAQEBAQEBAQEBAQ", "rawId": "AQEBAQEBAQEBAQEBAQEBAQ", "type": "public-key",
              "response": {"authenticatorData": "AA", "clientDataJSON": "e30", "signature": "AA"}}
    response = client.post(reverse("otp_webauthn:credential-authentication-complete"),
                           content_type="application/json", data=json.dumps(forged))
    assert response.status_code >= 400 and "_auth_user_id" not in client.session


def test_a_passkey_is_a_second_factor_for_the_required_rule(client, tech, settings):
    settings.BSPOS_REQUIRE_MFA = True
    assert two_factor.must_enrol(tech)
    passkey = passkey_for(tech)
    assert not two_factor.must_enrol(tech) and two_factor.has_second_factor(tech)
    client.force_login(tech)
    refused = client.post(reverse("people:two_factor"), {"action": "remove-passkey", "passkey": passkey.pk})
    assert refused.status_code == 400 and WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_removing_a_passkey_takes_the_recovery_codes_with_the_last_factor(client, tech):
    passkey = passkey_for(tech)
    two_factor.new_recovery_codes(user=tech)
    client.force_login(tech)
    page = client.get(reverse("people:two_factor"))
    assert page.status_code == 200 and b"Passkey" in page.content and b"10 unused recovery codes" in page.content
    response = client.post(reverse("people:two_factor"), {"action": "remove-passkey", "passkey": passkey.pk})
    assert response.status_code == 302 and not WebAuthnCredential.objects.exists()
    assert two_factor.recovery_codes_left(tech) == 0 and not two_factor.has_second_factor(tech)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DELETED, object_repr="kim: Passkey").exists()


def test_someone_elses_passkey_cannot_be_removed(client, tech):
    other = passkey_for(UserFactory())
    client.force_login(tech)
    response = client.post(reverse("people:two_factor"), {"action": "remove-passkey", "passkey": other.pk})
    assert response.status_code == 400 and WebAuthnCredential.objects.filter(pk=other.pk).exists()


def test_the_passkey_pages_load_whole_and_carry_no_inline_script(client, tech):
    boosted = client.get(reverse("login"), HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true")
    assert boosted["HX-Redirect"] == reverse("login")  # the library's module script runs once per page load
    page = client.get(reverse("login"))
    assert b"Sign in with a passkey" in page.content and "script-src 'self'" in page["Content-Security-Policy"]
    scripts = re.findall(rb"<script([^>]*)>(.*?)</script>", page.content, re.S)
    assert all(b"src=" in attrs or b'type="application/json"' in attrs for attrs, _body in scripts)


@pytest.fixture
def accepted_assertion(monkeypatch):
    """Stand in for the browser's signature (test_passkeys_browser runs the real one): the helper accepts it."""
    from bspos.people.passkeys import PasskeyHelper

    def accept(self, user, state, data):
        return WebAuthnCredential.objects.get(user=user) if user else WebAuthnCredential.objects.get()

    monkeypatch.setattr(PasskeyHelper, "authenticate_complete", accept)


def _complete(client, next_url=""):
    _post_json(client, "credential-authentication-begin")
    url = reverse("otp_webauthn:credential-authentication-complete") + (f"?next={next_url}" if next_url else "")
    return client.post(url, content_type="application/json", data={}, REMOTE_ADDR="203.0.113.7")


def test_the_passkey_finishes_the_pending_sign_in_where_it_was_going(client, tech, accepted_assertion):
    passkey_for(tech)
    client.post(reverse("login") + "?next=/desk/", {"username": "kim", "password": PASSWORD})
    response = _complete(client)
    assert response.status_code == 200 and response.json()["redirect_url"] == "/desk/"
    assert client.session["_auth_user_id"] == str(tech.pk) and reauth.SESSION_KEY in client.session


def test_a_locked_account_cannot_finish_with_a_passkey(client, tech, accepted_assertion):
    from django.test import Client

    passkey_for(tech)
    password_step(client)
    for n in range(16):
        Client().post(reverse("login"), {"username": "kim", "password": "wrong"}, REMOTE_ADDR=f"198.51.100.{n}")
    response = _complete(client)
    assert response.status_code == 429 and "ask an administrator" in response.json()["detail"]
    assert "_auth_user_id" not in client.session


def test_a_client_contact_may_add_a_passkey(client):
    contact = UserFactory(username="alice", role=Role.CLIENT_CONTACT, password=PASSWORD)
    client.force_login(contact)
    assert client.get(reverse("people:two_factor")).status_code == 200
    assert _post_json(client, "credential-registration-begin").json()["user"]["name"] == "alice"
