"""A refused form is shown with its errors in a real browser: htmx (boosting every form) swaps 4xx answers in
instead of dropping them, so a save that fails never looks like nothing happened."""

from datetime import UTC, datetime

import pytest

from bspos.clients.tests.factories import ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk.models import Note
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_blank_reply_on_the_ticket_page_shows_why_it_was_refused(browser, live_server, sign_in):
    UserFactory(username="tess", role=Role.TECHNICIAN, password="pw")
    ticket = TicketFactory(subject="Scanner offline", created_at=datetime(2026, 11, 2, 10, tzinfo=UTC))
    page = browser.new_page()
    sign_in(page, "tess", "pw")
    page.goto(f"{live_server.url}/desk/tickets/{ticket.number}/")
    page.fill("textarea[name=body]", "   ")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("text=Send")
    assert answer.value.status == 400
    page.wait_for_selector("text=Write a reply or a note, log time or choose a status.")  # the composer's refusal
    assert not Note.objects.filter(ticket=ticket).exists()


def test_a_portal_ticket_without_a_subject_shows_why_it_was_refused(browser, live_server, sign_in):
    contact = ContactFactory(user=UserFactory(username="pat", role=Role.CLIENT_CONTACT, password="pw"))
    page = browser.new_page()
    sign_in(page, "pat", "pw")
    page.goto(f"{live_server.url}/portal/new/")
    page.fill("input[name=subject]", "   ")
    page.fill("textarea[name=description]", "The printer is out of toner.")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("button:has-text('Send')")
    assert answer.value.status == 400
    page.wait_for_selector("text=This field is required.")
    assert page.input_value("textarea[name=description]") == "The printer is out of toner."  # nothing typed is lost
    assert not contact.client.tickets.exists()
