"""The journey of issue 16: a client replies in the portal; the assignee's bell counts it and an email reaches the
SMTP sink; the assignee opens it from the list, lands on the ticket and watches it."""

import pytest

from bspos.conftest import wait
from bspos.notifications.models import Notification, Watcher
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_client_reply_reaches_the_assignee_in_the_app_and_by_email(browser, live_server, sign_in, sink, tech,
                                                                     alice, acme):
    alice.user.set_password("pw")
    alice.user.save()
    ticket = TicketFactory(client=acme, contact=alice, subject="Scanner offline", assignee=tech)
    Notification.objects.all().delete()
    sink.clear()

    portal = browser.new_context().new_page()
    sign_in(portal, "alice", "pw")
    portal.goto(f"{live_server.url}/portal/{ticket.number}/")
    portal.fill("textarea[name=body]", "Still offline after the restart.")
    portal.click("button:has-text('Send reply')")
    portal.wait_for_load_state("networkidle")

    # The email leaves after the reply's transaction commits; on a loaded machine it can land after the page settles.
    wait(lambda: any(m["To"] == "tess@msp.test" for m in sink))
    [email] = [m for m in sink if m["To"] == "tess@msp.test"]
    assert email["Subject"] == f"[#{ticket.number}] Scanner offline"
    desk = browser.new_context().new_page()
    sign_in(desk, "tess", "pw")
    bell = desk.locator("#bell a")
    assert bell.get_attribute("aria-label") == "Notifications: 1 unread"
    bell.click()
    desk.wait_for_url("**/notifications/**")
    desk.click("text=Alice (client) replied on")
    desk.wait_for_url(f"**/desk/tickets/{ticket.number}/")
    assert desk.locator("#bell a").get_attribute("aria-label") == "Notifications: 0 unread"
    desk.click("#watchers button:has-text('Watch')")
    desk.wait_for_selector("#watchers button:has-text('Unwatch')")
    assert "Tess" in desk.locator("#watchers").inner_text()
    assert Watcher.objects.filter(ticket=ticket, user=tech).exists()
