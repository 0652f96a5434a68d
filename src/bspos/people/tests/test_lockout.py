"""Sign-in throttling: the 16th wrong password within ten minutes is refused with the lockout page."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration
from django.urls import reverse
from django.utils import timezone

from bspos.people.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def tech():
    return User.objects.create_user("kim", password="right horse battery", role=Role.TECHNICIAN)


def _sign_in(client, password, *, username="kim", address="203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_sixteenth_wrong_password_in_ten_minutes_is_refused_with_the_lockout_message(client, tech):
    for _ in range(15):
        response = _sign_in(client, "wrong")
        assert response.status_code == 200 and b"match" in response.content
    response = _sign_in(client, "wrong")
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    # the right password does not get through the lockout either
    assert _sign_in(client, "right horse battery").status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_covers_the_account_from_another_address(client, tech):
    for n in range(16):
        _sign_in(client, "wrong", address=f"198.51.100.{n}")
    assert _sign_in(client, "right horse battery", address="192.0.2.1").status_code == 429


def test_old_failures_expire_and_a_good_sign_in_resets_the_count(client, tech):
    for _ in range(14):
        _sign_in(client, "wrong")
    response = _sign_in(client, "right horse battery")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(tech.pk)
    client.logout()
    for _ in range(15):
        _sign_in(client, "wrong")
    assert _sign_in(client, "wrong").status_code == 429
    ten_minutes_ago = timezone.now() - timedelta(minutes=10, seconds=1)
    AccessAttempt.objects.update(attempt_time=ten_minutes_ago)
    AccessAttemptExpiration.objects.update(expires_at=ten_minutes_ago)
    assert _sign_in(client, "right horse battery").status_code == 302


def test_an_unlock_in_the_back_office_lets_the_person_in(client, tech, admin_client):
    for _ in range(16):
        _sign_in(client, "wrong")
    assert _sign_in(client, "right horse battery").status_code == 429
    attempts = AccessAttempt.objects.all()
    assert attempts.exists()
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    attempts.delete()  # what the back office's delete action does
    assert _sign_in(client, "right horse battery").status_code == 302


# --- wrong second-factor codes count like wrong passwords -------------------------------------------------------
@pytest.fixture
def enrolled(tech):
    from bspos.people import two_factor
    from bspos.people.tests.test_two_factor import current_code

    two_factor.start_authenticator(user=tech, name="Phone")
    return two_factor.confirm_authenticator(user=tech, code=current_code(two_factor.pending_authenticator(tech)))


def _wrong_code(client, code="000000", address="203.0.113.7"):
    return client.post(reverse("login_code"), {"code": code}, REMOTE_ADDR=address)


def test_wrong_codes_count_toward_the_lockout_like_wrong_passwords(client, tech, enrolled):
    for _ in range(10):
        _sign_in(client, "wrong")
    assert _sign_in(client, "right horse battery").status_code == 302  # to the code step: not signed in
    for _ in range(4):
        assert _wrong_code(client).status_code == 400
    _wrong_code(client, code="aaaa-bbbb-cccc-dddd")  # a wrong recovery code counts too: 15 failures now
    assert _sign_in(client, "right horse battery").status_code == 302
    response = _wrong_code(client)  # the 16th failure
    assert response.status_code == 429 and b"Too many failed sign-ins" in response.content
    assert AccessAttempt.objects.filter(username="kim").get().failures_since_start == 16
    assert _sign_in(client, "right horse battery").status_code == 429
    assert "_auth_user_id" not in client.session
    assert "000000" not in AccessAttempt.objects.get().post_data  # codes are never kept with the attempts


def test_a_locked_out_account_cannot_finish_with_the_right_code(client, tech, enrolled):
    from bspos.people.tests.test_two_factor import current_code

    assert _sign_in(client, "right horse battery").status_code == 302
    for n in range(16):  # someone else hammers the account from other addresses meanwhile
        _sign_in(client.__class__(), "wrong", address=f"198.51.100.{n}")
    device = tech.totpdevice_set.get()
    device.last_t = -1
    device.save()
    response = client.post(reverse("login_code"), {"code": current_code(device)}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_wrong_answers_when_confirming_a_sensitive_action_count_too(client, tech):
    client.force_login(tech)
    for _ in range(16):
        client.post(reverse("people:confirm"), {"password": "wrong", "next": "/"}, REMOTE_ADDR="203.0.113.7")
    response = client.post(reverse("people:confirm"), {"password": "right horse battery", "next": "/"},
                           REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
