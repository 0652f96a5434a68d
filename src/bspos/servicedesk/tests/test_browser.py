"""Journeys in a real browser: Playwright driving Debian's chromium (never a downloaded browser)."""

from datetime import date

import pytest

from bspos.clients.models import Client
from bspos.demo.services import DemoSize, load_demo
from bspos.people.models import Role, User
from bspos.servicedesk import services
from bspos.servicedesk.models import Status, Ticket, TimeEntry

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_technician_finds_replies_logs_half_an_hour_and_resolves(browser, live_server, sign_in):
    load_demo(DemoSize(clients=3, months=1, seed=11, today=date(2026, 11, 20)))
    ticket = services.create_ticket(client=Client.objects.filter(status="active").first(),
                                    subject="Projector flickers in boardroom quasar77")
    page = browser.new_page()
    sign_in(page, "tech1")
    page.get_by_role("link", name="Tickets", exact=True).click()
    page.fill("input[name=q]", "quasar77")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**q=quasar77**")
    assert page.locator("table.queue tbody tr").count() == 1
    page.click("text=Projector flickers in boardroom quasar77")
    page.wait_for_url(f"**/desk/tickets/{ticket.number}/")
    page.fill("textarea[name=body]", "Replaced the HDMI cable; please try again.")
    page.click("text=Send")
    page.wait_for_selector("text=Reply sent.")
    page.fill("input[name=minutes]", "30")
    page.click("text=Log time")
    page.wait_for_selector("text=30 minutes logged.")
    page.select_option("select[name=status]", "resolved")
    page.click("text=Change")
    page.wait_for_selector("text=Status is now resolved.")
    assert "Replaced the HDMI cable" in page.content()
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.first_response_at is not None
    assert TimeEntry.objects.get(ticket=ticket).minutes == 30


def test_contact_opens_a_ticket_in_the_portal_and_is_refused_another_companys(browser, live_server, sign_in):
    load_demo(DemoSize(clients=3, months=1, seed=12, today=date(2026, 11, 20)))
    mine, other = User.objects.filter(role=Role.CLIENT_CONTACT).select_related("contact")[:2]
    foreign = Ticket.objects.filter(client=other.contact.client_id).first()
    page = browser.new_page()
    sign_in(page, mine.username)
    page.click("text=Report an issue")
    page.fill("input[name=subject]", "Wi-Fi password for guests")
    page.fill("textarea[name=description]", "Visitors arrive at 2pm.")
    page.click("button:has-text('Send')")
    page.wait_for_selector("text=opened. We'll reply here")
    created = Ticket.objects.get(subject="Wi-Fi password for guests")
    assert created.client_id == mine.contact.client_id
    response = page.goto(f"{live_server.url}/portal/{foreign.number}/")
    assert response.status == 404
    assert foreign.subject not in page.content()
