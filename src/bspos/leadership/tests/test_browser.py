"""The owner runs a weekly leadership meeting in a real browser (Debian's chromium): from the metrics to a solved
issue, then reads the minutes PDF back."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from bspos.leadership import services
from bspos.leadership.models import Decision, Issue, Todo
from bspos.leadership.tests.factories import MetricFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_owner_runs_a_meeting_from_metrics_to_a_solved_issue_and_the_minutes(browser, live_server, sign_in):
    owner = UserFactory(username="olive", first_name="Olive", role=Role.OWNER, password="pw")
    metric = MetricFactory(hat__name="Sales & marketing", hat__owner=owner, name="Qualified leads", live="",
                           target=Decimal("5"))
    services.enter_metric(metric=metric, week=timezone.localdate(), value=Decimal("2"), by=owner)
    page = browser.new_page()
    sign_in(page, "olive", "pw")
    page.click("summary:has-text('Strategy')")
    page.get_by_role("link", name="Leadership meeting").click()
    page.click("button:has-text(\"Start this week's meeting\")")
    page.wait_for_url("**/leadership/meetings/*/")
    row = page.locator("table.metrics tr", has_text="Qualified leads")
    assert "off target" in row.inner_text()  # 2 against at least 5
    with page.expect_navigation():
        page.click("button:has-text('Start the meeting')")
    page.fill("input[name=title]", "Onboarding takes six weeks")
    with page.expect_navigation():
        page.click("button:has-text('Raise')")
    issue = page.locator(".issue", has_text="Onboarding takes six weeks")
    issue.locator("textarea[name=decision]").fill("Every onboarding follows the written playbook.")
    issue.locator("input[name=todo]").fill("Write the onboarding playbook")
    issue.locator("select[name=owner]").select_option(label="Olive")
    issue.locator("input[name=due_on]").fill(str(timezone.localdate() + timedelta(days=7)))
    with page.expect_navigation():
        issue.locator("button:has-text('Solve')").click()
    page.wait_for_selector("text=Every onboarding follows the written playbook.")
    page.fill("input[name=rating]", "9")
    with page.expect_navigation():
        page.click("button:has-text('Conclude')")
    page.wait_for_selector("text=Rated 9/10.")
    assert Issue.objects.get().status == Issue.Status.SOLVED
    assert Decision.objects.get().text == "Every onboarding follows the written playbook."
    assert Todo.objects.get().owner == owner
    pdf = page.request.get(live_server.url + page.get_by_role("link", name="Minutes (PDF)").get_attribute("href"))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Every onboarding follows the written playbook." in text and "Write the onboarding playbook" in text
