"""The weekly leadership meeting in a real browser (Debian's chromium): a technician raises an issue during the
week; the owner runs the meeting through its agenda (metrics, rocks, to-dos, issues, conclude) to a solved
issue and the minutes PDF; the technician then reads the decision."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from bspos.leadership import selectors, services
from bspos.leadership.models import Decision, Issue, Meeting, MetricEntry, Rock, Todo
from bspos.leadership.tests.factories import MetricFactory, PlanFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_owner_runs_a_meeting_through_its_agenda_to_a_solved_issue_and_the_minutes(browser, live_server,
                                                                                        sign_in):
    owner = UserFactory(username="olive", first_name="Olive", role=Role.OWNER, password="pw")
    UserFactory(username="tia", first_name="Tia", role=Role.TECHNICIAN, password="pw")
    MetricFactory(hat__name="Sales & marketing", hat__owner=owner, name="Qualified leads", live="",
                  target=Decimal("5"))
    today = timezone.localdate()
    year, quarter = selectors.quarter_of(today)
    services.add_rock(plan=PlanFactory(year=year), quarter=quarter, title="Hire a dispatcher", owner=owner)
    Todo.objects.create(title="Call the bank", owner=owner, due_on=today)

    tia = browser.new_page()  # during the week, a technician puts an issue on the list
    sign_in(tia, "tia", "pw")
    tia.goto(f"{live_server.url}/leadership/meetings/")
    tia.fill("input[name=title]", "Backups fail on Fridays")
    with tia.expect_navigation():
        tia.click("button:has-text('Raise')")
    tia.wait_for_selector("text=Raised “Backups fail on Fridays” for the leadership meeting.")

    page = browser.new_page()
    sign_in(page, "olive", "pw")
    page.click("summary:has-text('Strategy')")
    page.get_by_role("link", name="Leadership meeting").click()
    page.click("button:has-text(\"Start this week's meeting\")")
    page.wait_for_url("**/leadership/meetings/*/")
    with page.expect_navigation():
        page.click("button:has-text('Start the meeting')")
    page.wait_for_selector("text=Attending: Olive")

    # metrics: this week's number entered from the page, judged against its target
    row = page.locator("table.metrics tr", has_text="Qualified leads")
    assert "no figure" in row.inner_text()
    row.locator("input[name=value]").fill("2")
    with page.expect_navigation():
        row.locator("button:has-text('Enter')").click()
    assert "off target" in page.locator("table.metrics tr", has_text="Qualified leads").inner_text()  # 2 < 5
    # rocks: one goes off track
    with page.expect_navigation():
        page.locator("tr", has_text="Hire a dispatcher").locator("button:has-text('Mark off track')").click()
    assert "off track" in page.locator("tr", has_text="Hire a dispatcher").inner_text()
    # to-dos: last week's is done
    with page.expect_navigation():
        page.locator("tr", has_text="Call the bank").locator("button:has-text('Done')").click()
    page.wait_for_selector("text=No open to-dos.")
    # issues: the technician's, ranked first, solved into a decision and a to-do
    issue = page.locator(".issue", has_text="Backups fail on Fridays")
    assert "Raised by Tia" in issue.inner_text()
    issue.locator("input[name=priority]").fill("1")
    with page.expect_navigation():
        issue.locator("button:has-text('Rank')").click()
    issue = page.locator(".issue", has_text="Backups fail on Fridays")
    assert "#1" in issue.inner_text()
    issue.locator("textarea[name=decision]").fill("Backups move to Saturday night.")
    issue.locator("input[name=todo]").fill("Reschedule the backup jobs")
    issue.locator("select[name=owner]").select_option(label="Tia")
    issue.locator("input[name=due_on]").fill(str(today + timedelta(days=7)))
    with page.expect_navigation():
        issue.locator("button:has-text('Solve')").click()
    page.wait_for_selector("text=Backups move to Saturday night.")
    # conclude with a rating
    page.fill("input[name=rating]", "9")
    with page.expect_navigation():
        page.click("button:has-text('Conclude')")
    page.wait_for_selector("text=Rated 9/10.")

    meeting = Meeting.objects.get()
    assert meeting.started_at and meeting.ended_at and meeting.rating == 9
    assert MetricEntry.objects.get().value == 2 and Rock.objects.get().on_track is False
    assert Todo.objects.get(title="Call the bank").done_on == today
    assert Issue.objects.get().status == Issue.Status.SOLVED
    assert Decision.objects.get().text == "Backups move to Saturday night."
    assert Todo.objects.get(title="Reschedule the backup jobs").owner.first_name == "Tia"
    pdf = page.request.get(live_server.url + page.get_by_role("link", name="Minutes (PDF)").get_attribute("href"))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Backups move to Saturday night." in text and "Reschedule the backup jobs" in text
    assert "Hire a dispatcher" in text and "9/10" in text

    tia.goto(f"{live_server.url}/leadership/decisions/")  # afterwards, the rest of the company reads the decision
    tia.wait_for_selector("text=Backups move to Saturday night.")


def test_a_rock_is_deleted_only_after_confirming(browser, live_server, sign_in):
    owner = UserFactory(username="olive", first_name="Olive", role=Role.OWNER, password="pw")
    year, quarter = selectors.quarter_of(timezone.localdate())
    services.add_rock(plan=PlanFactory(year=year), quarter=quarter, title="Standardise the stack", owner=owner)
    page = browser.new_page()
    sign_in(page, "olive", "pw")
    page.goto(f"{live_server.url}/leadership/plan/")
    row = page.locator("tr", has_text="Standardise the stack")
    row.locator("summary:has-text('Edit rock')").click()
    page.once("dialog", lambda dialog: dialog.dismiss())
    row.locator("button:has-text('Delete rock')").click()
    page.wait_for_timeout(300)
    assert Rock.objects.exists()  # dismissed: nothing deleted
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("button:has-text('Delete rock')").click()
    page.wait_for_selector("text=Deleted the rock “Standardise the stack”.")
    assert not Rock.objects.exists()
