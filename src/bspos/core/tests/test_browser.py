"""Journeys in a real browser (Debian's chromium): a contact meets the styled 404; staff search from the top bar."""

import pytest

from bspos.clients.tests.factories import ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_contact_on_a_staff_url_sees_the_styled_404_and_goes_back_to_their_portal(browser, live_server, sign_in):
    contact = ContactFactory(user=UserFactory(username="pat", role=Role.CLIENT_CONTACT, password="pw"))
    TicketFactory(client=contact.client, subject="Our printer jams")
    page = browser.new_page()
    sign_in(page, "pat", "pw")
    answer = page.goto(f"{live_server.url}/desk/tickets/")
    assert answer.status == 404
    assert page.is_visible("text=There is no such page") and page.is_visible("header.top >> text=Our tickets")
    page.click("text=Back to your portal")
    page.wait_for_selector("text=Our printer jams")
    assert page.url.endswith("/portal/")


def test_staff_search_from_the_top_bar_finds_a_ticket_and_a_client(browser, live_server, sign_in):
    contact = ContactFactory()
    contact.client.name = "Fjordline Logistics"
    contact.client.save(update_fields=["name"])
    TicketFactory(client=contact.client, subject="Fjordline VPN drops")
    UserFactory(username="tech", role=Role.TECHNICIAN, password="pw")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, "tech", "pw")
    header = page.locator("header.top").bounding_box()
    assert header["height"] < 70  # the grouped bar stays on one line at 1280 px
    page.fill("header.top input[name=q]", "fjordline")
    page.press("header.top input[name=q]", "Enter")
    page.wait_for_selector("main >> text=Fjordline VPN drops")
    assert page.is_visible("main >> a:has-text('Fjordline Logistics')")
    page.click("header.top summary:has-text('Clients')")
    assert page.is_visible("header.top >> a:has-text('Assets')")
