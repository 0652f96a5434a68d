"""The second factor: with an authenticator app confirmed, the password alone signs nobody in; recovery codes work
once; BSPOS_REQUIRE_MFA keeps staff on the enrolment page until they have one; sensitive pages ask for the code."""

import re
import time

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from bspos.api.models import ApiToken
from bspos.people import reauth, two_factor
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@pytest.fixture
def tech():
    return UserFactory(username="kim", role=Role.TECHNICIAN, password=PASSWORD, email="kim@msp.test")


@pytest.fixture
def enrolled(tech):
    two_factor.start_authenticator(user=tech, name="Phone")
    device = two_factor.pending_authenticator(tech)
    codes = two_factor.confirm_authenticator(user=tech, code=current_code(device))
    device.refresh_from_db()
    device.last_t = -1  # the enrolment code may be used again by the test's sign-in within the same 30 s
    device.save()
    return device, codes


def password_step(client, username="kim"):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_with_an_authenticator_the_password_alone_signs_nobody_in(client, tech, enrolled):
    response = password_step(client)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login_code"))
    assert not signed_in(client)
    assert client.get(reverse("servicedesk:queue")).status_code == 302  # to the login page
    refused = client.post(reverse("login_code"), {"code": "000000"})
    assert refused.status_code == 400 and b"not right" in refused.content and not signed_in(client)


def test_the_right_code_signs_in(client, tech, enrolled):
    device, _codes = enrolled
    password_step(client)
    response = client.post(reverse("login_code"), {"code": current_code(device), "next": "/desk/"})
    assert response.status_code == 302 and response["Location"] == "/desk/"
    assert signed_in(client)


def test_a_recovery_code_signs_in_once(client, tech, enrolled):
    _device, codes = enrolled
    assert len(codes) == 10
    password_step(client)
    client.post(reverse("login_code"), {"code": codes[0]})
    assert signed_in(client)
    client.logout()
    password_step(client)
    assert client.post(reverse("login_code"), {"code": codes[0]}).status_code == 400
    assert not signed_in(client)
    assert two_factor.recovery_codes_left(tech) == 9


def test_five_wrong_codes_send_you_back_to_the_password(client, tech, enrolled):
    password_step(client)
    for _ in range(4):
        client.post(reverse("login_code"), {"code": "123456"})
    response = client.post(reverse("login_code"), {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    device, _ = enrolled
    assert client.post(reverse("login_code"), {"code": current_code(device)}).status_code == 302
    assert not signed_in(client)  # the pending sign-in is gone: the password must be typed again


def test_required_second_factor_keeps_staff_on_the_enrolment_page(client, tech, settings):
    settings.BSPOS_REQUIRE_MFA = True
    password_step(client)
    assert signed_in(client)
    response = client.get(reverse("servicedesk:queue"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("people:two_factor"))
    page = client.get(reverse("people:two_factor"))
    assert page.status_code == 200 and b"requires a second factor" in page.content
    client.post(reverse("people:two_factor"), {"action": "start", "name": "Phone"})
    device = two_factor.pending_authenticator(tech)
    shown = client.post(reverse("people:two_factor"), {"action": "confirm", "code": current_code(device)})
    shown_codes = re.findall(rb"<li><code>[a-z2-9]{4}(?:-[a-z2-9]{4}){3}</code></li>", shown.content)
    assert shown.status_code == 200 and len(shown_codes) == 10
    assert client.get(reverse("servicedesk:queue")).status_code == 200
    refused = client.post(reverse("people:two_factor"), {"action": "remove", "device": device.pk})
    assert refused.status_code == 400 and TOTPDevice.objects.filter(user=tech, confirmed=True).exists()


def test_contacts_are_never_forced(client, settings):
    settings.BSPOS_REQUIRE_MFA = True
    contact = UserFactory(username="alice", role=Role.CLIENT_CONTACT, password=PASSWORD)
    assert not two_factor.must_enrol(contact)


def test_enrolment_asks_who_you_are_again_and_a_wrong_code_confirms_nothing(client, tech):
    client.force_login(tech)
    session = client.session
    session[reauth.SESSION_KEY] = int(time.time()) - 3600
    session.save()
    response = client.get(reverse("people:two_factor"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("people:confirm"))
    client.post(reverse("people:confirm"), {"password": PASSWORD})
    client.post(reverse("people:two_factor"), {"action": "start", "name": "Phone"})
    refused = client.post(reverse("people:two_factor"), {"action": "confirm", "code": "000000"})
    assert refused.status_code == 400 and not TOTPDevice.objects.filter(user=tech, confirmed=True).exists()


def test_confirming_a_sensitive_action_needs_the_code_too(client, tech, enrolled):
    device, _ = enrolled
    client.force_login(tech)
    session = client.session
    session[reauth.SESSION_KEY] = int(time.time()) - 3600
    session.save()
    assert client.post(reverse("people:confirm"), {"password": PASSWORD, "next": "/"}).status_code == 400
    response = client.post(reverse("people:confirm"), {"password": PASSWORD, "code": current_code(device),
                                                       "next": "/account/"})
    assert response.status_code == 302 and response["Location"] == "/account/"


def test_creating_an_api_token_needs_a_recent_confirmation(client, tech):
    client.force_login(tech)
    session = client.session
    session[reauth.SESSION_KEY] = int(time.time()) - 3600
    session.save()
    response = client.post(reverse("api:tokens"), {"name": "RMM", "scope": "read"},
                           HTTP_REFERER="http://testserver/account/tokens/")
    assert response.status_code == 303 and not ApiToken.objects.exists()


def test_keys_and_codes_never_enter_the_audit_trail(tech, enrolled):
    from bspos.audit.models import AuditEvent
    device, codes = enrolled
    text = str(list(AuditEvent.objects.values_list("changes", "object_repr")))
    assert device.key not in text and not any(code in text for code in codes)


def test_password_reset_by_email_sets_a_new_password_but_keeps_the_second_factor(client, tech, enrolled):
    for address in ("kim@msp.test", "nobody@msp.test"):  # the same answer whether or not the address has a login
        response = client.post(reverse("password_reset"), {"email": address})
        assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    [message] = mail.outbox
    link = re.search(r"https?://[^/]+(/set-password/\S+)", message.body).group(1)
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": "a brand new phrase 42",
                                             "new_password2": "a brand new phrase 42"})
    tech.refresh_from_db()
    assert tech.check_password("a brand new phrase 42")
    client.post(reverse("login"), {"username": "kim", "password": "a brand new phrase 42"})
    assert not signed_in(client)  # the code is still asked for
