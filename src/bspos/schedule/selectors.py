"""Reads for the dispatch board: who is on it, their entries laid out by day or by half hour, conflicts, and planned
against logged hours per week. Days are the viewer's (the active time zone); figures are summed in the database."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from math import ceil

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from bspos.people.models import STAFF_ROLES, Role, User
from bspos.projects.models import Task
from bspos.schedule.models import ScheduleEntry
from bspos.servicedesk.models import Ticket, TimeEntry

SLOT_MINUTES = 30
DAY_FIRST_HOUR, DAY_LAST_HOUR = 7, 19  # the day board's hours; entries outside are pinned to its edges
SLOTS = (DAY_LAST_HOUR - DAY_FIRST_HOUR) * 60 // SLOT_MINUTES
MAX_LANES = 6  # overlapping entries stack in lanes; beyond six they share the last one


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def local_span(first: date, days: int) -> tuple[datetime, datetime]:
    """Midnight of `first` to midnight `days` later, in the active time zone (a DST day is 23 or 25 hours)."""
    return (timezone.make_aware(datetime.combine(first, time.min)),
            timezone.make_aware(datetime.combine(first + timedelta(days=days), time.min)))


def board_people(starts: datetime, ends: datetime) -> QuerySet[User]:
    """Who the board shows: every active technician, and any other staff member booked in the span."""
    booked = ScheduleEntry.objects.during(starts, ends).values("technician_id")
    return (User.objects.filter(is_active=True, role__in=STAFF_ROLES)
            .filter(Q(role=Role.TECHNICIAN) | Q(pk__in=booked))
            .order_by("first_name", "last_name", "username"))


BOARD_COLUMNS = ("technician_id", "starts_at", "ends_at", "title", "location", "ticket_id", "task_id", "site__name")


def entries_for(technician_ids: list[int], starts: datetime, ends: datetime) -> QuerySet[ScheduleEntry]:
    """The board's entries with only what a chip shows. The ticket and the task come by primary key in their own
    queries: joined, PostgreSQL hashed the whole ticket table (every ticket ever) to find a few hundred."""
    tickets = Ticket.objects.select_related("client").only("number", "subject", "client__name")
    tasks = Task.objects.select_related("project__client").only("name", "project__number", "project__client__name")
    return (ScheduleEntry.objects.filter(technician_id__in=technician_ids).during(starts, ends).with_conflicts()
            .select_related("site").only(*BOARD_COLUMNS)
            .prefetch_related(Prefetch("ticket", queryset=tickets), Prefetch("task", queryset=tasks))
            .order_by("starts_at", "pk"))


def logged_minutes_by_technician(technician_ids: list[int], starts: datetime, ends: datetime) -> dict[int, int]:
    """Minutes logged on the desk (time entries started in the span) per technician."""
    rows = (TimeEntry.objects.filter(technician_id__in=technician_ids, started_at__gte=starts, started_at__lt=ends)
            .order_by().values("technician_id").annotate(total=Sum("minutes")))
    return {row["technician_id"]: row["total"] for row in rows}


@dataclass
class Hours:
    """A technician's week: planned on the board, logged on the desk, against their contracted hours."""

    technician: User
    planned_minutes: int
    logged_minutes: int

    @property
    def capacity_minutes(self) -> int:
        return int(self.technician.weekly_hours * 60)

    @property
    def unplanned_minutes(self) -> int:
        return max(self.capacity_minutes - self.planned_minutes, 0)


def planned_and_logged(technicians: list[User], monday: date) -> list[Hours]:
    """Planned against logged minutes in the week starting `monday`, per technician (two grouped queries)."""
    starts, ends = local_span(monday, 7)
    ids = [t.pk for t in technicians]
    planned = ScheduleEntry.objects.filter(technician_id__in=ids).planned_minutes_by_technician(starts, ends)
    logged = logged_minutes_by_technician(ids, starts, ends)
    return [Hours(t, planned.get(t.pk, 0), logged.get(t.pk, 0)) for t in technicians]


# --- the boards ----------------------------------------------------------------------------------------------------

@dataclass
class Placed:
    """An entry on the day board: its first half-hour column (1-based), how many it spans, its lane."""

    entry: ScheduleEntry
    column: int
    span: int
    lane: int = 1


@dataclass
class Row:
    technician: User
    hours: Hours
    cells: list[tuple[date, list[ScheduleEntry]]] = field(default_factory=list)  # week: per day
    placed: list[Placed] = field(default_factory=list)  # day: positioned
    lanes: int = 1


def week_board(technicians: list[User], monday: date) -> list[Row]:
    """Seven days per technician, each day's entries in order, with the week's planned and logged hours."""
    starts, ends = local_span(monday, 7)
    days = [monday + timedelta(days=n) for n in range(7)]
    by_cell: dict[tuple[int, date], list[ScheduleEntry]] = {}
    for entry in entries_for([t.pk for t in technicians], starts, ends):
        day = max(timezone.localdate(entry.starts_at), monday)
        by_cell.setdefault((entry.technician_id, day), []).append(entry)
    return [Row(technician=hours.technician, hours=hours,
                cells=[(day, by_cell.get((hours.technician.pk, day), [])) for day in days])
            for hours in planned_and_logged(technicians, monday)]


def _place(entry: ScheduleEntry, first: datetime) -> Placed:
    offset = (entry.starts_at - first).total_seconds() / 60
    length = (entry.ends_at - first).total_seconds() / 60
    column = min(max(int(offset // SLOT_MINUTES), 0), SLOTS - 1)
    last = min(max(ceil(length / SLOT_MINUTES), column + 1), SLOTS)
    return Placed(entry, column + 1, last - column)


def day_board(technicians: list[User], day: date) -> list[Row]:
    """One day per technician in half-hour columns; overlapping entries (conflicts) stack in lanes."""
    starts, ends = local_span(day, 1)
    first = timezone.make_aware(datetime.combine(day, time(DAY_FIRST_HOUR)))
    placed: dict[int, list[Placed]] = {}
    for entry in entries_for([t.pk for t in technicians], starts, ends):
        placed.setdefault(entry.technician_id, []).append(_place(entry, first))
    rows = []
    for hours in planned_and_logged(technicians, week_start(day)):
        mine = placed.get(hours.technician.pk, [])
        lane_ends: list[int] = []  # the column each lane is free from
        for item in sorted(mine, key=lambda p: (p.column, -p.span)):
            lane = next((n for n, free in enumerate(lane_ends) if free <= item.column), None)
            if lane is None:
                lane = min(len(lane_ends), MAX_LANES - 1)
                if lane == len(lane_ends):
                    lane_ends.append(0)
            lane_ends[lane] = item.column + item.span
            item.lane = lane + 1
        rows.append(Row(technician=hours.technician, hours=hours, placed=mine, lanes=max(len(lane_ends), 1)))
    return rows


def slot_times(day: date) -> list[datetime]:
    """The day board's column starts (aware, active zone)."""
    first = timezone.make_aware(datetime.combine(day, time(DAY_FIRST_HOUR)))
    return [first + timedelta(minutes=SLOT_MINUTES * n) for n in range(SLOTS)]


def work_entries(*, ticket=None, task=None) -> QuerySet[ScheduleEntry]:
    """A ticket's or a project task's schedule entries with their conflicts, for its page's Schedule card."""
    work = {"ticket": ticket} if ticket is not None else {"task": task}
    return (ScheduleEntry.objects.filter(**work).with_conflicts()
            .select_related("technician", "site").order_by("starts_at", "pk"))


def feed_entries(user: User, *, now: datetime | None = None) -> QuerySet[ScheduleEntry]:
    """What a technician's calendar feed holds: their own entries from 60 days back to a year ahead."""
    now = now or timezone.now()
    return (ScheduleEntry.objects.filter(technician=user).during(now - timedelta(days=60), now + timedelta(days=366))
            .select_related("ticket__client", "task__project__client", "site__client", "technician")
            .order_by("starts_at", "pk"))
