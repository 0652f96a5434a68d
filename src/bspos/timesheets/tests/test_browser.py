"""A technician fills in and submits their week in a real browser (Debian's chromium); the service manager
approves it from the list of weeks to approve, and the week is locked."""

import pytest

from bspos.clients.tests.factories import ClientFactory
from bspos.people.models import Role
from bspos.people.tests.factories import RateFactory, UserFactory
from bspos.servicedesk.models import TimeEntry
from bspos.servicedesk.tests.factories import TicketFactory
from bspos.timesheets.models import SheetStatus, TimeSheet

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_technician_fills_and_submits_a_week_and_the_manager_approves_it(browser, live_server, sign_in):
    tess = UserFactory(username="tess", first_name="Tess", role=Role.TECHNICIAN, password="pw")
    RateFactory(user=tess)
    UserFactory(username="max", first_name="Max", role=Role.SERVICE_MANAGER, password="pw")
    ticket = TicketFactory(client=ClientFactory(name="Acme Dental"), subject="Printer jams")

    page = browser.new_context().new_page()
    sign_in(page, "tess", "pw")
    page.click("summary:has-text('Desk')")
    page.get_by_role("link", name="My week").click()
    page.wait_for_url("**/time/")
    form = page.locator("#add-entry")
    form.locator("input[name=start]").fill("09:30")
    form.locator("input[name=duration]").fill("lots")
    form.locator("input[name=ticket]").fill(str(ticket.number))
    form.locator("input[name=notes]").fill("Replaced the fuser")
    with page.expect_navigation():
        form.locator("button:has-text('Add time')").click()
    page.wait_for_selector("text=Write the time as minutes")
    assert page.locator("#add-entry input[name=notes]").input_value() == "Replaced the fuser"  # nothing typed lost
    page.locator("#add-entry input[name=duration]").fill("1:30")
    with page.expect_navigation():
        page.locator("#add-entry button:has-text('Add time')").click()
    page.wait_for_selector("tr:has-text('Printer jams')")
    assert page.locator("#week-total").inner_text() == "1:30"
    with page.expect_navigation():
        page.click("button:has-text('Submit the week for approval')")
    page.wait_for_selector("#week-status:has-text('submitted')")

    boss = browser.new_context().new_page()
    sign_in(boss, "max", "pw")
    boss.click("summary:has-text('Desk')")
    boss.get_by_role("link", name="Time sheets to approve").click()
    boss.wait_for_url("**/time/approvals/")
    row = boss.locator("tbody tr", has_text="Tess")
    assert "1:30" in row.inner_text()
    with boss.expect_navigation():
        row.locator("button:has-text('Approve')").click()
    boss.wait_for_selector("text=week of")
    assert TimeSheet.objects.get().status == SheetStatus.APPROVED
    assert TimeEntry.objects.get().is_approved

    page.reload()
    page.wait_for_selector("#week-status:has-text('approved')")
    assert page.locator("tr:has-text('Printer jams')").locator("text=Edit").count() == 0
