"""Journeys in a real browser: Playwright driving Debian's chromium (never a downloaded browser)."""

from datetime import date

import pytest

from bspos.clients.models import Client, Contact
from bspos.demo.services import DemoSize, load_demo
from bspos.people.models import Role, User
from bspos.servicedesk import services
from bspos.servicedesk.models import Status, Ticket, TimeEntry

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_technician_finds_replies_logs_half_an_hour_and_resolves_in_one_submit(browser, live_server, sign_in):
    load_demo(DemoSize(clients=3, months=1, seed=11, today=date(2026, 11, 20)))
    ticket = services.create_ticket(client=Client.objects.filter(status="active").first(),
                                    subject="Projector flickers in boardroom quasar77")
    page = browser.new_page()
    sign_in(page, "tech1")
    page.click("summary:has-text('Desk')")  # the top bar's Desk menu
    page.get_by_role("link", name="Tickets", exact=True).click()
    page.fill("form.filters input[name=q]", "quasar77")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**q=quasar77**")
    assert page.locator("table.queue tbody tr").count() == 1
    page.click("text=Projector flickers in boardroom quasar77")
    page.wait_for_url(f"**/desk/tickets/{ticket.number}/")
    assert page.locator("#id_status").input_value() == ""  # the composer never preselects a move
    page.fill("#id_body", "Replaced the HDMI cable; please try again.")
    page.fill("#id_minutes", "30")
    page.select_option("#id_status", "resolved")
    page.fill("#id_resolution", "Faulty HDMI cable replaced.")
    page.click("#composer button[type=submit]")
    page.wait_for_selector("text=Reply sent, 30 minutes logged, status is now resolved.")
    timeline = page.locator("ol.timeline").inner_text()
    assert "Replaced the HDMI cable" in timeline and "logged 30 minutes" in timeline
    assert "set status to Resolved" in timeline
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.first_response_at is not None
    assert ticket.resolution == "Faulty HDMI cable replaced."
    assert TimeEntry.objects.get(ticket=ticket).minutes == 30


def test_resolving_without_a_resolution_note_shows_why_and_keeps_the_reply(browser, live_server, sign_in):
    load_demo(DemoSize(clients=3, months=1, seed=13, today=date(2026, 11, 20)))
    ticket = services.create_ticket(client=Client.objects.filter(status="active").first(), subject="Slow VPN")
    page = browser.new_page()
    sign_in(page, "tech1")
    page.goto(f"{live_server.url}/desk/tickets/{ticket.number}/")
    page.fill("#id_body", "Should be quicker now.")
    page.select_option("#id_status", "resolved")
    page.click("#composer button[type=submit]")
    page.wait_for_selector(f"text={services.RESOLUTION_NEEDED}")
    assert page.locator("#id_body").input_value() == "Should be quicker now."
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW and not ticket.notes.exists()


def test_technician_inserts_a_canned_reply_filled_for_the_ticket(browser, live_server, sign_in):
    load_demo(DemoSize(clients=3, months=1, seed=14, today=date(2026, 11, 20)))
    contact = Contact.objects.filter(client__status="active").first()
    ticket = services.create_ticket(client=contact.client, contact=contact, subject="Outlook keeps asking")
    services.save_canned_reply(title="Restart first zz9",
                               body="Hi {contact_first_name}, please restart and reply on #{ticket_number}.")
    page = browser.new_page()
    sign_in(page, "tech1")
    page.goto(f"{live_server.url}/desk/tickets/{ticket.number}/")
    page.fill("#id_body", "Thanks for the screenshot.")
    page.select_option("#canned", label="Restart first zz9")
    expected = f"Hi {contact.first_name}, please restart and reply on #{ticket.number}."
    page.wait_for_function("text => document.querySelector('#id_body').value.includes(text)", arg=expected)
    assert page.locator("#id_body").input_value() == f"Thanks for the screenshot.\n\n{expected}"
    page.click("#composer button[type=submit]")
    page.wait_for_selector("text=Reply sent.")
    assert ticket.notes.get().body.splitlines() == ["Thanks for the screenshot.", "", expected]  # sent as CRLF


def test_bad_input_on_the_new_ticket_form_shows_its_error_and_keeps_what_was_typed(browser, live_server, sign_in):
    load_demo(DemoSize(clients=3, months=1, seed=15, today=date(2026, 11, 20)))
    before = Ticket.objects.count()
    page = browser.new_page()
    sign_in(page, "tech1")
    page.goto(f"{live_server.url}/desk/tickets/new/")
    page.select_option("select[name=client]", index=1)
    page.fill("textarea[name=description]", "Nothing prints since this morning.")
    # Longer than a subject may be: the server's check, past the browser's own maxlength.
    page.eval_on_selector("input[name=subject]", "e => { e.removeAttribute('maxlength'); e.value = 'x'.repeat(251) }")
    page.click("button:has-text('Open ticket')")
    page.wait_for_selector("text=Ensure this value has at most 250 characters")
    assert page.locator("textarea[name=description]").input_value() == "Nothing prints since this morning."
    assert Ticket.objects.count() == before


def test_keyboard_moves_through_the_queue_opens_a_ticket_and_starts_a_note(browser, live_server, sign_in):
    load_demo(DemoSize(clients=3, months=1, seed=16, today=date(2026, 11, 20)))
    page = browser.new_page()
    sign_in(page, "tech1")
    page.goto(f"{live_server.url}/desk/tickets/")
    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#shortcuts").is_visible()
    page.keyboard.press("j")
    page.keyboard.press("j")
    second = page.locator("table.queue tbody tr").nth(1)
    assert "selected" in second.get_attribute("class")
    href = second.get_attribute("data-href")
    page.keyboard.press("k")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{href}")
    page.wait_for_selector("#id_body")
    page.keyboard.press("n")
    assert page.evaluate("document.activeElement.id") == "id_body"
    assert page.locator("#composer input[name=kind][value=note]").is_checked()
    page.keyboard.type("jk typed, not moved")
    assert page.locator("#id_body").input_value() == "jk typed, not moved"
    page.keyboard.press("Escape")
    page.keyboard.press("/")
    page.wait_for_url("**/desk/tickets/#search")
    page.wait_for_function("document.activeElement && document.activeElement.name === 'q'")


def test_the_header_changes_the_assignee_in_place(browser, live_server, sign_in):
    load_demo(DemoSize(clients=3, months=1, seed=17, today=date(2026, 11, 20)))
    ticket = services.create_ticket(client=Client.objects.filter(status="active").first(), subject="Header test")
    page = browser.new_page()
    sign_in(page, "tech1")
    page.goto(f"{live_server.url}/desk/tickets/{ticket.number}/")
    page.click("text=Take it")
    page.wait_for_selector("text=The ticket is yours now.")
    manager = User.objects.get(username="manager")
    page.select_option("#id_assignee", str(manager.pk))
    page.wait_for_selector("text=Assignment saved.")
    ticket.refresh_from_db()
    assert ticket.assignee == manager
    assert page.locator("text=Take it").count() == 1


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
