"""An account manager writes a PASTA proposal for a lead in a real browser (Debian's chromium), the prospect
accepts it through the link, and the client and its agreement exist."""

from decimal import Decimal

import pytest

from bspos.agreements.models import Agreement
from bspos.clients.models import Client
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.scorecard.models import Opportunity
from bspos.scorecard.tests.factories import OpportunityFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_proposal_for_a_lead_is_accepted_through_its_link_into_a_client_and_agreement(browser, live_server,
                                                                                          sign_in):
    UserFactory(username="vera", first_name="Vera", role=Role.VCIO, password="pw")
    lead = OpportunityFactory(name="Hale & Partners LLP", vertical="Legal")
    page = browser.new_page()
    sign_in(page, "vera", "pw")
    page.goto(f"{live_server.url}/proposals/new/")
    page.get_by_role("link", name="Hale & Partners LLP").click()
    page.fill("input[name=title]", "Legal Practice Growth System")
    with page.expect_navigation():
        page.click("button:has-text('Start with the Problem')")
    page.fill("textarea[name=problem]", "Partners lose 6 billable hours a month to outages.")
    page.fill("input[name=problem_cost_per_year]", "36000")
    page.fill("textarea[name=accentuate]", "A breach of client files would reach the bar.")
    page.fill("textarea[name=solution_text]", "Systems that never stop a matter.")
    page.fill("textarea[name=transformation]", "Under one lost hour a month within 90 days.")
    page.fill("input[name=direct_cost_per_month]", "250")
    with page.expect_navigation():
        page.click("button:has-text('Save the sections')")
    page.fill("input[name=description]", "Practice Growth System, 20 users")
    page.fill("input[name=unit_price]", "950")
    with page.expect_navigation():
        page.click("button:has-text('Add line')")
    assert "within" in page.locator("#guard").inner_text()
    with page.expect_navigation():
        page.click("button:has-text('Send the proposal')")
    link = page.locator("#public-link").get_attribute("href")
    prospect = browser.new_page()  # the prospect, not signed in
    prospect.goto(link)
    assert "What it costs you a year" in prospect.content()
    prospect.fill("input[name=name]", "Pat Hale")
    with prospect.expect_navigation():
        prospect.click("button:has-text('Accept')")
    prospect.wait_for_selector("text=accepted by Pat Hale")
    client = Client.objects.get(name="Hale & Partners LLP")
    agreement = Agreement.objects.get(client=client)
    assert agreement.unit_price == Decimal("950.00") and client.status == "active"
    assert Opportunity.objects.get(pk=lead.pk).excitement_on is not None
