"""Re-authentication: a sensitive action runs only within minutes of a sign-in or a confirmation."""

import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from bspos.people import reauth
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _age_stamp(client, seconds):
    session = client.session
    session[reauth.SESSION_KEY] = int(time.time()) - seconds
    session.save()


def test_a_fresh_sign_in_counts_and_an_old_one_does_not(client, settings):
    settings.BSPOS_REAUTH_MINUTES = 10
    user = UserFactory()
    client.force_login(user)
    request = RequestFactory().get("/")
    request.user, request.session = user, client.session
    assert reauth.recently_authenticated(request)
    _age_stamp(client, 11 * 60)
    request.session = client.session
    assert not reauth.recently_authenticated(request)


def test_the_guard_sends_a_get_to_confirm_and_refuses_a_post_without_running_the_view(client):
    user = UserFactory()
    client.force_login(user)
    _age_stamp(client, 3600)
    ran = []

    @reauth.reauthentication_required
    def sensitive(request):
        ran.append(request.method)
        return HttpResponse("done")

    request = RequestFactory().get("/account/tokens/")
    request.user, request.session = user, client.session
    response = sensitive(request)
    assert response.status_code == 302 and response["Location"].startswith(reverse("people:confirm"))
    request = RequestFactory().post("/account/tokens/", HTTP_REFERER="http://testserver/account/tokens/")
    request.user, request.session = user, client.session
    assert sensitive(request).status_code == 303
    assert ran == []


def test_confirming_with_the_wrong_password_changes_nothing_and_the_right_one_goes_back(client):
    user = UserFactory(password="pw")
    client.force_login(user)
    _age_stamp(client, 3600)
    response = client.post(reverse("people:confirm"), {"password": "nope", "next": "/account/"})
    assert response.status_code == 400 and b"not right" in response.content
    assert time.time() - client.session[reauth.SESSION_KEY] > 3000
    response = client.post(reverse("people:confirm"), {"password": "pw", "next": "/account/"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert time.time() - client.session[reauth.SESSION_KEY] < 60


def test_confirm_never_sends_you_to_another_site(client):
    user = UserFactory(password="pw")
    client.force_login(user)
    response = client.post(reverse("people:confirm"), {"password": "pw", "next": "https://evil.example/"})
    assert response["Location"] == "/"
