"""Writes of the time sheets: submit a week, approve it, return it with a comment.

Approval is stamped on the week's time entries by `servicedesk.services.approve_time` (so the desk, the API and
billing see it without knowing this app); the sheet records who submitted and who decided, audited.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from bspos.audit.services import audited
from bspos.core.dates import week_span, week_start
from bspos.people.models import Role, User
from bspos.servicedesk import services as desk
from bspos.servicedesk.models import TimeEntry
from bspos.timesheets.models import SheetStatus, TimeSheet


def week_entries(technician: User, week: date):
    """The person's time entries of the week starting on `week` (a Monday)."""
    start, end = week_span(week)
    return TimeEntry.objects.filter(technician=technician, started_at__gte=start, started_at__lt=end)


def monday(day: date) -> date:
    """The week `day` names, as its Monday; a date that is not a Monday is refused (weeks start on Mondays)."""
    if day.weekday() != 0:
        raise ValidationError({"week": f"{day:%Y-%m-%d} is not a Monday; a week is named by its Monday "
                                       f"({week_start(day):%Y-%m-%d})."})
    return day


@transaction.atomic
def submit_week(*, technician: User, week: date, by: User, at: datetime | None = None) -> TimeSheet:
    """Hand the week to the service manager. Again after it was returned, or after time was added to an approved
    week; refused for a week not begun, an empty week, or one already waiting for a decision."""
    week, at = monday(week), at or timezone.now()
    if week > week_start(timezone.localdate(at)):
        raise ValidationError({"week": "This week has not started yet; submit it once it is worked."})
    sheet = TimeSheet.objects.select_for_update().filter(technician=technician, week=week).first()
    entries = week_entries(technician, week)
    total = entries.aggregate(total=Sum("minutes"))["total"] or 0
    if not total:
        raise ValidationError("Nothing is logged in this week: log the time first, then submit it.")
    if sheet is not None and sheet.status == SheetStatus.SUBMITTED:
        raise ValidationError(f"The week was submitted on {timezone.localtime(sheet.submitted_at):%Y-%m-%d %H:%M} "
                              "and is waiting for the service manager.")
    if sheet is not None and sheet.status == SheetStatus.APPROVED and not entries.awaiting_approval().exists():
        raise ValidationError("The week is approved already; nothing new to submit.")
    sheet = sheet or TimeSheet(technician=technician, week=week)
    with audited(sheet, by):
        sheet.status, sheet.submitted_at, sheet.submitted_minutes = SheetStatus.SUBMITTED, at, total
        sheet.decided_at = sheet.decided_by = None
        sheet.save()
    return sheet


def _decidable(sheet: TimeSheet, by: User) -> TimeSheet:
    locked = TimeSheet.objects.select_for_update(of=("self",)).select_related("technician").get(pk=sheet.pk)
    if locked.technician_id == by.pk and by.role != Role.OWNER:
        raise ValidationError("Someone else decides on your own week: the owner or another service manager.")
    return locked


@transaction.atomic
def approve_week(*, sheet: TimeSheet, by: User, at: datetime | None = None) -> TimeSheet:
    """Approve a submitted week: every entry of it is approved (locked, and billable when billing waits for
    approval), including entries added since it was submitted."""
    sheet, at = _decidable(sheet, by), at or timezone.now()
    if sheet.status != SheetStatus.SUBMITTED:
        raise ValidationError(f"Only a submitted week can be approved; this one is {sheet.get_status_display()}.")
    desk.approve_time(week_entries(sheet.technician, sheet.week), by=by, at=at)
    with audited(sheet, by):
        sheet.status, sheet.decided_at, sheet.decided_by = SheetStatus.APPROVED, at, by
        sheet.save()
    return sheet


@transaction.atomic
def return_week(*, sheet: TimeSheet, by: User, comment: str, at: datetime | None = None) -> TimeSheet:
    """Send a submitted (or approved, not yet billed) week back to the technician with a comment saying what to
    fix; its entries are open to change again."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "Say what to fix: the technician reads it on their week."})
    sheet, at = _decidable(sheet, by), at or timezone.now()
    if sheet.status == SheetStatus.RETURNED:
        raise ValidationError("The week was returned already; it waits for the technician.")
    desk.reopen_time(week_entries(sheet.technician, sheet.week))
    with audited(sheet, by):
        sheet.status, sheet.decided_at, sheet.decided_by, sheet.comment = SheetStatus.RETURNED, at, by, comment
        sheet.save()
    return sheet
