"""The demo MSP's time sheets: a year of weeks submitted and approved by the service manager (a few returned with a
comment and not corrected yet), last week submitted and waiting, this week open; billing waits for approval.
Runs after the time is loaded and before the billing runs, so the invoices bill approved time only. Bulk writes:
one grouped query for the weeks, one insert for the sheets, one update per week for the entries."""

import random
from datetime import datetime, time, timedelta

from django.db.models import Count, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from bspos.core.dates import week_span, week_start
from bspos.money.models import BillingSettings
from bspos.servicedesk.models import TimeEntry
from bspos.timesheets.models import SheetStatus, TimeSheet

RETURN_COMMENTS = ["Tuesday has no time on a ticket for the on-site visit: add it.",
                   "The training is logged twice on Wednesday.",
                   "Friday's admin looks like a full day; split it over the tickets you worked.",
                   "Mark the warranty replacement as not billable."]
RETURNED_SHARE = 0.02  # about one week in fifty comes back with a comment


def load_demo_timesheets(now: datetime, rng: random.Random, staff: dict) -> int:
    """Sheets for every person's week with time; `staff` maps the demo's usernames to users. Returns the rows."""
    manager, owner = staff["manager"], staff["owner"]
    zone = timezone.get_current_timezone()
    this_week = week_start(timezone.localtime(now).date())
    last_week = this_week - timedelta(days=7)
    weeks = (TimeEntry.objects.filter(started_at__lt=week_span(this_week)[0])
             .annotate(monday=TruncWeek("started_at", tzinfo=zone)).values("technician_id", "monday")
             .annotate(total=Sum("minutes"), entries=Count("pk")).order_by("monday", "technician_id"))
    sheets, returned = [], set()
    for row in weeks:
        monday = row["monday"]
        monday = timezone.localtime(monday, zone).date() if isinstance(monday, datetime) else monday
        person = row["technician_id"]
        submitted = datetime.combine(monday + timedelta(days=4), time(16, 30), zone)
        if monday == last_week:
            if rng.random() < 0.8:  # most have handed last week in; the rest still will
                sheets.append(TimeSheet(technician_id=person, week=monday, submitted_at=min(submitted, now),
                                        submitted_minutes=row["total"]))
            continue
        decided = datetime.combine(monday + timedelta(days=7), time(10, 0), zone)
        decider = owner if person == manager.pk else manager
        if rng.random() < RETURNED_SHARE:
            returned.add((person, monday))
            sheets.append(TimeSheet(technician_id=person, week=monday, status=SheetStatus.RETURNED,
                                    submitted_at=submitted, submitted_minutes=row["total"], decided_at=decided,
                                    decided_by=decider, comment=rng.choice(RETURN_COMMENTS)))
            continue
        sheets.append(TimeSheet(technician_id=person, week=monday, status=SheetStatus.APPROVED,
                                submitted_at=submitted, submitted_minutes=row["total"], decided_at=decided,
                                decided_by=decider))
    TimeSheet.objects.bulk_create(sheets, batch_size=2000)
    approved_weeks = sorted({s.week for s in sheets if s.status == SheetStatus.APPROVED})
    for monday in approved_weeks:
        start, end = week_span(monday)
        decided = datetime.combine(monday + timedelta(days=7), time(10, 0), zone)
        entries = TimeEntry.objects.filter(started_at__gte=start, started_at__lt=end).exclude(
            technician_id__in=[person for person, week in returned if week == monday])
        entries.exclude(technician=manager).update(approved_at=decided, approved_by=manager)
        entries.filter(technician=manager).update(approved_at=decided, approved_by=owner)
    BillingSettings.objects.update_or_create(pk=1, defaults={"bill_approved_time_only": True})
    return len(sheets)
