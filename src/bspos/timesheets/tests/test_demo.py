"""The demo MSP's time sheets: past weeks approved (their time billed), last week waiting, billing waiting for
approval, and no unapproved minute on an invoice."""

from datetime import date, timedelta

from bspos.core.dates import week_start
from bspos.demo.services import DemoSize, load_demo
from bspos.money.models import BillingSettings, TimeAllocation
from bspos.servicedesk.models import TimeEntry
from bspos.timesheets.models import SheetStatus, TimeSheet

TODAY = date(2026, 11, 20)


def test_the_demo_has_approved_weeks_last_week_waiting_and_bills_approved_time_only(db):
    load_demo(DemoSize(clients=4, months=2, seed=5, today=TODAY))
    last_week = week_start(TODAY) - timedelta(days=7)
    assert TimeSheet.objects.filter(status=SheetStatus.APPROVED, week__lt=last_week).count() > 40
    assert set(TimeSheet.objects.filter(week=last_week).values_list("status", flat=True)) == {SheetStatus.SUBMITTED}
    assert not TimeSheet.objects.filter(week=week_start(TODAY)).exists()
    assert BillingSettings.current().bill_approved_time_only
    assert not TimeAllocation.objects.filter(time_entry__approved_at__isnull=True).exists()
    approved_weeks = TimeSheet.objects.filter(status=SheetStatus.APPROVED)
    assert TimeEntry.objects.approved().count() > 0
    sheet = approved_weeks.first()
    from bspos.timesheets.services import week_entries

    assert not week_entries(sheet.technician, sheet.week).awaiting_approval().exists()
