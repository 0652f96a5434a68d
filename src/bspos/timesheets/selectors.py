"""Reads of the time sheets: one person's week with its totals, and the weeks waiting for a decision."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone

from bspos.core.dates import week_span
from bspos.people.models import User
from bspos.servicedesk.models import TimeEntry
from bspos.sla.services import WorkingTime, working_time
from bspos.timesheets.models import SheetStatus, TimeSheet

UTILISATION_BAND = (70, 80)  # utilisation aim, as the scorecard's operating-model health (seed 003)


@dataclass
class Day:
    day: date
    entries: list[TimeEntry] = field(default_factory=list)
    minutes: int = 0
    billable: int = 0
    target: Decimal = Decimal(0)  # the person's business minutes that day

    @property
    def short(self) -> bool:
        """Less logged than the person's business hours that day."""
        return self.minutes < self.target

    @property
    def shortfall(self) -> Decimal:
        return max(self.target - self.minutes, Decimal(0))


@dataclass
class Week:
    technician: User
    week: date
    days: list[Day]
    sheet: TimeSheet | None
    minutes: int
    billable: int
    ticket_minutes: int
    target: Decimal
    awaiting_approval: int  # entries not approved yet

    @property
    def previous(self) -> date:
        return self.week - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.week + timedelta(days=7)

    @property
    def utilisation(self) -> Decimal | None:
        """Ticket minutes ÷ the person's business minutes of the week, in percent (the scorecard's definition)."""
        return (Decimal(self.ticket_minutes) * 100 / self.target).quantize(Decimal("1")) if self.target else None

    @property
    def utilisation_state(self) -> str:
        low, high = UTILISATION_BAND
        value = self.utilisation
        if value is None:
            return ""
        return "above the band" if value > high else "below the band" if value < low else "in the band"

    @property
    def status(self) -> str:
        """Open, submitted, returned or approved, as the technician reads it."""
        if self.sheet is None:
            return "open"
        if self.sheet.status == SheetStatus.APPROVED and self.awaiting_approval:
            return "approved, with time added since"
        return self.sheet.get_status_display().lower()

    @property
    def can_submit(self) -> bool:
        if not self.minutes or self.week > week_of_today():
            return False
        if self.sheet is None or self.sheet.status == SheetStatus.RETURNED:
            return True
        return self.sheet.status == SheetStatus.APPROVED and self.awaiting_approval > 0


def week_of_today() -> date:
    today = timezone.localdate()
    return today - timedelta(days=today.weekday())


def week_of(technician: User, week: date, working: WorkingTime | None = None) -> Week:
    """The person's week starting on `week`: entries by day (with ticket, category name and issued invoice), the
    totals per day against their business hours, and the sheet's state. A handful of queries whatever its size."""
    working = working or working_time()
    start, end = week_span(week)
    entries = (TimeEntry.objects.filter(technician=technician, started_at__gte=start, started_at__lt=end)
               .select_related("ticket__client", "approved_by").with_category_names().with_billing()
               .order_by("started_at", "pk"))
    zone = timezone.get_current_timezone()
    days = {week + timedelta(days=n): Day(week + timedelta(days=n)) for n in range(7)}
    for day in days.values():
        day.target = working.day_minutes(day.day, technician.weekly_hours)
    totals = (TimeEntry.objects.filter(technician=technician, started_at__gte=start, started_at__lt=end)
              .annotate(day=TruncDate("started_at", tzinfo=zone)).values("day")
              .annotate(logged=Sum("minutes"), billable_logged=Sum("minutes", filter=Q(billable=True)),
                        tickets=Sum("minutes", filter=Q(ticket__isnull=False)),
                        waiting=Count("pk", filter=Q(approved_at__isnull=True))))
    ticket_minutes = waiting = 0
    for row in totals:
        day = days[row["day"]]
        day.minutes, day.billable = row["logged"] or 0, row["billable_logged"] or 0
        ticket_minutes += row["tickets"] or 0
        waiting += row["waiting"]
    for entry in entries:
        days[timezone.localtime(entry.started_at).date()].entries.append(entry)
    listed = list(days.values())
    return Week(technician=technician, week=week, days=listed,
                sheet=TimeSheet.objects.filter(technician=technician, week=week).select_related("decided_by").first(),
                minutes=sum(d.minutes for d in listed), billable=sum(d.billable for d in listed),
                ticket_minutes=ticket_minutes, target=sum((d.target for d in listed), Decimal(0)),
                awaiting_approval=waiting)


def with_week_totals(sheets: list[TimeSheet]) -> list[TimeSheet]:
    """Give each sheet its week's live `minutes`, `billable_minutes` and `awaiting` (entries not approved): one
    grouped query over the people and weeks of the list (a page of sheets)."""
    if not sheets:
        return sheets
    first, last = min(s.week for s in sheets), max(s.week for s in sheets)
    start, end = week_span(first)[0], week_span(last)[1]
    zone = timezone.get_current_timezone()
    rows = (TimeEntry.objects.filter(technician_id__in={s.technician_id for s in sheets}, started_at__gte=start,
                                     started_at__lt=end)
            .annotate(monday=TruncWeek("started_at", tzinfo=zone)).values("technician_id", "monday")
            .annotate(logged=Sum("minutes"), billable_logged=Sum("minutes", filter=Q(billable=True)),
                      awaiting=Count("pk", filter=Q(approved_at__isnull=True))))
    totals = {(row["technician_id"], timezone.localtime(row["monday"], zone).date()
               if isinstance(row["monday"], datetime) else row["monday"]): row for row in rows}
    for sheet in sheets:
        row = totals.get((sheet.technician_id, sheet.week), {})
        sheet.minutes = row.get("logged") or 0
        sheet.billable_minutes = row.get("billable_logged") or 0
        sheet.awaiting = row.get("awaiting") or 0
    return sheets
