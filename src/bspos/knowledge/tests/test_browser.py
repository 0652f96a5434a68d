"""In a real browser (Debian's chromium): the ticket page loads the Knowledge card, a technician writes an article
from the ticket's resolution, publishes it, and the client's contact reads it in the portal."""

from datetime import date

import pytest

from bspos.clients.models import Client
from bspos.demo.services import DemoSize, load_demo
from bspos.knowledge.models import Article
from bspos.people.models import Role, User
from bspos.servicedesk import services as desk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_article_from_a_ticket_published_and_read_by_the_clients_contact(browser, live_server, sign_in):
    load_demo(DemoSize(clients=3, months=1, seed=11, today=date(2026, 11, 20)))
    contact = User.objects.filter(role=Role.CLIENT_CONTACT, is_active=True, contact__isnull=False).first()
    company = Client.objects.get(pk=contact.contact.client_id)
    ticket = desk.create_ticket(client=company, subject="Scanner saves to the wrong folder")
    desk.add_note(ticket, author=User.objects.get(username="tech1"), body="Set the scan profile path to S:\\Scans.")
    page = browser.new_page()
    sign_in(page, "tech1")
    page.goto(f"{live_server.url}/desk/tickets/{ticket.number}/")
    page.click("text=Create article from this ticket's resolution")  # the card htmx loaded into the ticket page
    page.wait_for_selector("text=Draft article")
    assert "Set the scan profile path" in page.input_value("textarea[name=body]")
    page.check("input[name=published]")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Tickets that used it")
    assert page.locator(f"text=#{ticket.number} Scanner saves to the wrong folder").count() == 1
    article = Article.objects.get(source_ticket=ticket)
    assert article.published and article.client == company

    portal = browser.new_context().new_page()
    sign_in(portal, contact.username)
    portal.click("text=Help articles")
    portal.wait_for_url("**/knowledge/portal/")
    portal.click("text=Scanner saves to the wrong folder")
    portal.wait_for_url(f"**/knowledge/portal/{article.pk}/")
    portal.wait_for_selector("text=S:\\Scans")
