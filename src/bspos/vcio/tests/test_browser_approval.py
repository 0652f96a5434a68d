"""The client's decision-maker approves one item and declines another through the link in a real browser."""

import pytest

from bspos.clients.tests.factories import ClientFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.vcio.approvals import create_approval_link
from bspos.vcio.models import RoadmapDecision, RoadmapItem
from bspos.vcio.tests.factories import RoadmapItemFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_client_approves_one_item_and_declines_another_through_the_link(browser, live_server):
    company = ClientFactory(name="Acme Dental", fiscal_year_start=7)
    backup = RoadmapItemFactory(client=company, title="Offsite backup", problem="A lost server stops the practice.")
    wifi = RoadmapItemFactory(client=company, title="New Wi-Fi")
    _, token = create_approval_link(client=company, sent_to_name="Dr Ray", by=UserFactory(role=Role.VCIO))
    page = browser.new_page()
    page.goto(f"{live_server.url}/approve/{token}/")
    assert "Acme Dental" in page.content() and "A lost server stops the practice." in page.content()
    assert "Sign out" not in page.content() and "FY2027 Q3" in page.content()
    page.check(f"input[name=decision-{backup.pk}][value=approved]")
    page.check(f"input[name=decision-{wifi.pk}][value=declined]")
    page.fill(f"textarea[name=comment-{wifi.pk}]", "Next year")
    assert page.input_value("input[name=name]") == "Dr Ray"
    page.click("button:has-text('Send my decisions')")
    page.wait_for_selector("text=1 approved, 1 declined")
    assert "Nothing is waiting for your decision" in page.content()
    statuses = dict(RoadmapItem.objects.values_list("title", "status"))
    assert statuses == {"Offsite backup": "planned", "New Wi-Fi": "cancelled"}
    assert RoadmapDecision.objects.get(item=wifi).comment == "Next year"
