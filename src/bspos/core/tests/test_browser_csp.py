"""In a real browser (Debian's chromium) under the Content-Security-Policy: the desk, a ticket, confirmations, the
back office and the API docs work and the browser reports no violation."""

import pytest

from bspos.clients.tests.factories import ClientFactory
from bspos.money.models import ToolCost
from bspos.money.tests.factories import ToolCostFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk.models import Ticket
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# Runs before the page's own scripts (Playwright injects it, outside the policy) and keeps every violation.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const blocked = event.blockedURI || "inline";
  window.__violations.push(`${event.violatedDirective} blocked ${blocked} at ${location.pathname}`);
});
"""


def test_desk_ticket_confirmations_back_office_and_api_docs_run_without_a_policy_violation(browser, live_server,
                                                                                           sign_in):
    UserFactory(username="olive", role=Role.OWNER, is_staff=True, is_superuser=True, password="pw")
    ticket = TicketFactory(subject="VPN drops every hour", tier=1)
    cost = ToolCostFactory(client=ClientFactory(name="Fjordline Logistics"), name="EDR")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)
    violations = []

    def collect() -> None:
        violations.extend(page.evaluate("window.__violations || []"))

    sign_in(page, "olive", "pw")
    collect()
    page.click("header.top summary:has-text('Desk')")
    page.click("header.top a:has-text('Tickets')")
    page.wait_for_selector("main >> text=VPN drops every hour")
    collect()

    page.click("main >> text=VPN drops every hour")
    page.wait_for_selector("button:has-text('Escalate')")
    page.once("dialog", lambda dialog: dialog.dismiss())  # said no: nothing happens
    page.click("button:has-text('Escalate')")
    page.wait_for_timeout(300)
    assert Ticket.objects.get(pk=ticket.pk).tier == 1
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click("button:has-text('Escalate')")
    page.wait_for_selector("text=Tier 2")
    assert asked == [f"Escalate #{ticket.number} to the next tier?"]
    assert Ticket.objects.get(pk=ticket.pk).tier == 2
    collect()

    # A confirmation that was an onsubmit handler before the policy: removing a client's tool cost.
    page.goto(f"{live_server.url}/money/margins/?client={cost.client_id}")
    page.wait_for_selector("main >> text=EDR")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("main button:has-text('remove')")
    page.wait_for_selector("main td:text-is('EDR')", state="detached")
    assert not ToolCost.objects.filter(pk=cost.pk).exists()
    collect()

    page.goto(f"{live_server.url}/admin/servicedesk/ticket/{ticket.pk}/change/")
    page.wait_for_selector("#ticket_form")
    collect()

    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)  # Swagger UI built the operations
    collect()

    assert violations == [] and console == []
