"""A dispatcher drags an entry to another technician in a real browser (Debian's chromium): the board answers with
the move and the conflict it makes, and the entry is the other technician's."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.schedule.models import ScheduleEntry
from bspos.schedule.tests.factories import ScheduleEntryFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_dispatcher_drags_an_entry_to_another_technician(browser, live_server, sign_in):
    UserFactory(username="marcus", first_name="Marcus", role=Role.SERVICE_MANAGER, password="pw")
    ada = UserFactory(first_name="Ada", last_name="Able")
    bob = UserFactory(first_name="Bob", last_name="Baker")
    today = timezone.localdate()
    ten = timezone.make_aware(datetime.combine(today, time(10)))
    entry = ScheduleEntryFactory(technician=ada, title="Firewall swap", starts_at=ten, ends_at=ten + timedelta(hours=2))
    ScheduleEntryFactory(technician=bob, title="Patch window", starts_at=ten + timedelta(hours=1),
                         ends_at=ten + timedelta(hours=3))
    page = browser.new_page()
    sign_in(page, "marcus", "pw")
    page.click("summary:has-text('Desk')")
    page.get_by_role("link", name="Dispatch board").click()
    page.wait_for_selector("#board .entry:has-text('Firewall swap')")
    source = f"#board .entry[data-entry='{entry.pk}']"
    target = f"#board td[data-technician='{bob.pk}'][data-day='{today:%Y-%m-%d}']"
    page.drag_and_drop(source, target)
    page.wait_for_selector("#board .message.success:has-text('Firewall swap: Bob Baker')")
    assert "Conflict: Bob Baker is also booked" in page.locator("#board .message.warning").inner_text()
    moved = page.locator(f"{target} .entry[data-entry='{entry.pk}']")
    assert "conflict" in moved.get_attribute("class")
    entry.refresh_from_db()
    assert entry.technician == bob and entry.starts_at == ten  # same day and time, another technician
    assert ScheduleEntry.objects.filter(technician=ada).count() == 0
