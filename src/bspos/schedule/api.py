"""REST endpoints of the schedule app: schedule entries (list, book, move or resize, remove, email the contact) and
planned against logged hours per technician and week. Staff read; `desk.write` books one's own time, `desk.manage`
anybody's; a client contact meets 404 everywhere."""

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Path, Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate
from pydantic import Field

from bspos.clients.models import Site
from bspos.core.api import MAX_ID, Id, Moment, Pages, existing, require_write, staff_read, text
from bspos.core.filters import api_filter, query_schema
from bspos.core.permissions import Can
from bspos.projects.models import Task
from bspos.schedule import selectors, services
from bspos.schedule.filters import ScheduleEntryFilter
from bspos.schedule.models import ScheduleEntry
from bspos.servicedesk.models import Ticket

router = Router(tags=["schedule"])
PathId = Path(..., ge=1, le=MAX_ID)
EntryQuery = query_schema(ScheduleEntryFilter)
LocationIn = Literal["on_site", "remote"]
WeekQuery = Query(None, description="A day of the week (Monday to Sunday); this week when absent.")


class ScheduleEntryOut(Schema):
    id: int
    technician_id: int
    starts_at: datetime
    ends_at: datetime
    ticket_number: int | None
    task_id: int | None = Field(description="The project task the time is planned for.")
    title: str
    location: str
    site_id: int | None
    notes: str
    has_conflict: bool = Field(description="The technician has another entry overlapping this one.")
    emailed_at: datetime | None

    @staticmethod
    def resolve_ticket_number(entry: ScheduleEntry) -> int | None:
        return entry.ticket.number if entry.ticket_id else None


class ScheduleEntryIn(Schema):
    technician_id: Id
    starts_at: Moment
    ends_at: Moment
    ticket_number: Id | None = Field(None, description="Blank for internal work (then give a title).")
    task_id: Id | None = Field(None, description="A project task instead of a ticket.")
    title: text(200) = ""
    location: LocationIn = "remote"
    site_id: Id | None = None
    notes: text(5000) = ""


class ScheduleEntryPatch(Schema):
    technician_id: Id | None = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    ticket_number: Id | None = None
    task_id: Id | None = None
    title: text(200) | None = None
    location: LocationIn | None = None
    site_id: Id | None = None
    notes: text(5000) | None = None


class HoursOut(Schema):
    technician_id: int
    technician: str
    planned_minutes: int
    logged_minutes: int
    capacity_minutes: int


def _entries():
    return ScheduleEntry.objects.with_conflicts().select_related("ticket")


def _fields(payload: Schema, *, partial: bool) -> dict:
    data = payload.dict(exclude_unset=partial)
    fields: dict = {}
    if data.get("technician_id") is not None:
        people = services.schedulable_people()
        fields["technician"] = existing(people.model, data["technician_id"], "technician_id", people)
    if "ticket_number" in data:  # null: internal work
        number = data["ticket_number"]
        fields["ticket"] = None if number is None else Ticket.objects.filter(number=number).first()
        if number is not None and fields["ticket"] is None:
            raise ValidationError({"ticket_number": f"No ticket #{number}."})
    if "task_id" in data:  # null: not for a project task
        fields["task"] = existing(Task, data["task_id"], "task_id", Task.objects.select_related("project__client"))
    if "site_id" in data:
        fields["site"] = existing(Site, data["site_id"], "site_id")
    for name in ("starts_at", "ends_at", "title", "location", "notes"):
        if name in data and data[name] is not None:
            fields[name] = data[name]
    return fields


@router.get("/schedule-entries", response=list[ScheduleEntryOut])
@paginate(Pages)
def list_schedule_entries(request, filters: Query[EntryQuery]):
    """Entries in start order; `from_day`/`to_day` give a span, `technician` one person's."""
    staff_read(request)
    return api_filter(ScheduleEntryFilter, request, _entries().order_by("starts_at", "pk"))


@router.post("/schedule-entries", response={201: ScheduleEntryOut})
def create_schedule_entry(request, payload: ScheduleEntryIn):
    """Book a technician; an overlap is allowed and answered with `has_conflict`."""
    staff_read(request)
    require_write(request, Can.DESK_WRITE)
    entry = services.create_entry(by=request.user, **_fields(payload, partial=False))
    return Reply(201, _entries().get(pk=entry.pk))


@router.get("/schedule-entries/{int:schedule_entry_id}", response=ScheduleEntryOut)
def get_schedule_entry(request, schedule_entry_id: int = PathId):
    staff_read(request)
    return get_object_or_404(_entries(), pk=schedule_entry_id)


@router.patch("/schedule-entries/{int:schedule_entry_id}", response=ScheduleEntryOut)
def update_schedule_entry(request, payload: ScheduleEntryPatch, schedule_entry_id: int = PathId):
    """Move (technician, start), resize (end) or edit an entry."""
    staff_read(request)
    entry = get_object_or_404(ScheduleEntry, pk=schedule_entry_id)
    require_write(request, Can.DESK_WRITE)
    services.update_entry(entry, by=request.user, **_fields(payload, partial=True))
    return _entries().get(pk=entry.pk)


@router.delete("/schedule-entries/{int:schedule_entry_id}", response={204: None})
def delete_schedule_entry(request, schedule_entry_id: int = PathId):
    staff_read(request)
    entry = get_object_or_404(ScheduleEntry.objects.select_related("technician"), pk=schedule_entry_id)
    require_write(request, Can.DESK_WRITE)
    services.delete_entry(entry, by=request.user)
    return Reply(204, None)


@router.post("/schedule-entries/{int:schedule_entry_id}/email", response=ScheduleEntryOut)
def email_schedule_entry(request, schedule_entry_id: int = PathId):
    """Email the ticket's contact the appointment, with an .ics attached (422 without a contact email)."""
    staff_read(request)
    entry = get_object_or_404(ScheduleEntry.objects.select_related("ticket__contact", "site", "technician"),
                              pk=schedule_entry_id)
    require_write(request, Can.DESK_WRITE)
    services.email_appointment(entry, by=request.user)
    return _entries().get(pk=entry.pk)


@router.get("/schedule-hours", response=list[HoursOut])
def schedule_hours(request, week: date | None = WeekQuery):
    """Planned (on the board) against logged (time entries) minutes per active technician in a week."""
    staff_read(request)
    if week is not None and not 2000 <= week.year <= 2100:
        raise ValidationError({"week": "Give a day between the years 2000 and 2100."})
    monday = selectors.week_start(week or timezone.localdate())
    starts, ends = selectors.local_span(monday, 7)
    people = list(selectors.board_people(starts, ends))
    return [{"technician_id": h.technician.pk, "technician": str(h.technician), "planned_minutes": h.planned_minutes,
             "logged_minutes": h.logged_minutes, "capacity_minutes": h.capacity_minutes}
            for h in selectors.planned_and_logged(people, monday)]
