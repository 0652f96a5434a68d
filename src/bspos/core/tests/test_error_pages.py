"""403, 404 and 500 in the layout with a way back; JSON under /api/; the 500 page never shows a trace."""

import pytest
from django.test import Client
from django.urls import include, path

from bspos.clients.tests.factories import ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _explode(request):
    raise RuntimeError("secret-internal-detail from the database layer")


urlpatterns = [path("explode/", _explode), path("", include("bspos.urls"))]
handler500 = "bspos.core.views.server_error"


def test_a_technician_on_a_finance_page_gets_the_403_page_in_the_layout(client):
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    answer = client.get("/money/invoices/")
    page = answer.content.decode()
    assert answer.status_code == 403
    assert "Your role cannot open this page" in page and "<summary>Desk</summary>" in page  # the menus are there
    assert 'href="/">Back to your start page' in page


def test_a_contact_on_a_staff_url_gets_the_404_page_with_the_way_to_their_portal(client):
    contact = ContactFactory(user=UserFactory(role=Role.CLIENT_CONTACT))
    client.force_login(contact.user)
    answer = client.get("/desk/tickets/")
    page = answer.content.decode()
    assert answer.status_code == 404
    assert "There is no such page" in page and 'href="/portal/">Back to your portal' in page
    assert "Our tickets" in page and "<summary>Desk</summary>" not in page  # the contact's own menu


def test_staff_on_a_missing_address_get_the_404_page_with_the_way_to_the_dashboard(client):
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    page = client.get("/no-such-page/").content.decode()
    assert 'href="/desk/">Back to the dashboard' in page


def test_the_api_keeps_answering_json_for_a_missing_address(client):
    answer = client.get("/api/v1/no-such-thing/")
    assert answer.status_code == 404 and answer.json() == {"detail": "Not found."}


def test_a_failing_page_shows_the_500_page_and_never_the_trace(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    browser = Client(raise_request_exception=False)
    browser.force_login(UserFactory(role=Role.TECHNICIAN))
    answer = browser.get("/explode/")
    page = answer.content.decode()
    assert answer.status_code == 500
    assert "Something went wrong on our side" in page and 'href="/">Back to your start page' in page
    assert "bspos.css" in page  # the layout
    assert "secret-internal-detail" not in page and "Traceback" not in page and "RuntimeError" not in page
