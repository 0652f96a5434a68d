"""Passkeys end to end in Debian's chromium with a virtual authenticator (the DevTools WebAuthn domain): a technician
adds a passkey on the second-factor page, then signs in with password and passkey, with the passkey alone, and
confirms a sensitive action with it."""

import time

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from bspos.audit.models import AuditEvent
from bspos.people import reauth
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _with_authenticator(context, page):
    devtools = context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True}})


def _age_confirmation(page, live_server):
    """Make the last sign-in look an hour old, as if the technician had been working a while."""
    from django.contrib.sessions.models import Session

    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    session = Session.objects.get(session_key=key)
    data = session.get_decoded()
    data[reauth.SESSION_KEY] = int(time.time()) - 3600
    session.session_data = Session.objects.encode(data)
    session.save()


def test_a_technician_adds_a_passkey_and_signs_in_with_it(browser, live_server, sign_in):
    tech = UserFactory(username="kim", role=Role.TECHNICIAN, password="pw")
    context = browser.new_context()
    page = context.new_page()
    refused = []  # the page's policy allows no inline script: the library's script must run without one
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    _with_authenticator(context, page)
    sign_in(page, "kim", "pw")
    page.goto(f"{live_server.url}/account/two-factor/")
    with page.expect_navigation():  # the page reloads with the new passkey listed
        page.click("#passkey-register-button")
    assert page.locator("table >> text=Passkey").count() == 1
    assert page.locator("text=You have no recovery codes").is_visible()
    passkey = WebAuthnCredential.objects.get(user=tech)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATED, object_repr="kim: Passkey").exists()

    # password, then the passkey
    page.click("button:has-text('Sign out')")
    page.wait_for_url("**/login/")
    page.fill("#id_username", "kim")
    page.fill("#id_password", "pw")
    with page.expect_navigation():
        page.click("form[action='/login/'] button[type=submit]")
    assert "/login/code/" in page.url
    with page.expect_navigation():
        page.click("#passkey-verification-button")
    page.wait_for_load_state("networkidle")
    assert "/login/" not in page.url and page.locator("button:has-text('Sign out')").count() == 1
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None

    # the passkey alone, from the sign-in page
    page.click("button:has-text('Sign out')")
    page.wait_for_url("**/login/")
    with page.expect_navigation():
        page.click("#passkey-verification-button")
    page.wait_for_load_state("networkidle")
    assert "/login/" not in page.url and page.locator("button:has-text('Sign out')").count() == 1

    # an hour later, adding another factor asks again: the passkey confirms
    _age_confirmation(page, live_server)
    page.goto(f"{live_server.url}/account/two-factor/")
    assert "/account/confirm/" in page.url
    with page.expect_navigation():
        page.click("#passkey-verification-button")
    page.wait_for_url("**/account/two-factor/")
    assert page.locator("h1:has-text('Second factor')").is_visible()
    assert refused == []
    context.close()
