"""REST endpoints of the timesheets app: a person's week, submitting it, and the service manager's decision."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from bspos.core.api import MAX_ID, Id, Pages, existing, require_write, staff_read, text
from bspos.core.dates import week_start
from bspos.core.filters import api_filter, query_schema
from bspos.core.permissions import Can, can
from bspos.people.models import User
from bspos.timesheets import selectors, services
from bspos.timesheets.filters import TimeSheetFilter
from bspos.timesheets.models import SheetStatus, TimeSheet

router = Router(tags=["time sheets"])
PathId = Path(..., ge=1, le=MAX_ID)
TimeSheetQuery = query_schema(TimeSheetFilter)


def _sees_everyone(user: User) -> bool:
    return can(user, Can.TIME_ALL) or can(user, Can.TIME_APPROVE)


def _sheets(request):
    staff_read(request)
    sheets = TimeSheet.objects.all()
    return sheets if _sees_everyone(request.user) else sheets.filter(technician=request.user)


class TimeSheetOut(Schema):
    id: int
    technician_id: int
    week: date
    status: SheetStatus
    submitted_at: datetime
    submitted_minutes: int = Field(description="The week's total when it was last submitted.")
    minutes: int = Field(description="The week's total now.")
    billable_minutes: int
    awaiting_approval: int = Field(description="Entries of the week not approved yet.")
    decided_at: datetime | None
    decided_by_id: int | None
    comment: str

    @staticmethod
    def resolve_awaiting_approval(sheet: TimeSheet) -> int:
        return sheet.awaiting


def _with_totals(sheet: TimeSheet) -> TimeSheet:
    return selectors.with_week_totals([sheet])[0]


@router.get("/time-sheets", response=list[TimeSheetOut])
@paginate(Pages)
def list_time_sheets(request, filters: Query[TimeSheetQuery]):
    """Submitted, returned and approved weeks (submitted only by default; `status=` for all); a technician sees
    their own."""
    sheets = api_filter(TimeSheetFilter, request, _sheets(request)).order_by("-week", "technician_id", "pk")
    return _Totalled(sheets)


class _Totalled:
    """A queryset whose page gets the weeks' live totals in one query once it is sliced (pagination)."""

    def __init__(self, queryset) -> None:
        self.queryset = queryset

    def __len__(self) -> int:
        return self.queryset.count()

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, index):
        return selectors.with_week_totals(list(self.queryset[index]))


@router.get("/time-sheets/{sheet_id}", response=TimeSheetOut)
def get_time_sheet(request, sheet_id: int = PathId):
    return _with_totals(get_object_or_404(_sheets(request), pk=sheet_id))


class SubmitIn(Schema):
    week: date = Field(description="The Monday of the week.")
    technician_id: Id | None = Field(None, description="Defaults to the caller; others need time.all.")


@router.post("/time-sheets", response={201: TimeSheetOut})
def submit_time_sheet(request, payload: SubmitIn):
    """Submit a week for approval (again after it was returned). 422 for an empty week, one not begun, or one
    already waiting for a decision."""
    staff_read(request)
    technician = existing(User, payload.technician_id, "technician_id") or request.user
    require_write(request, Can.TIME_ALL if technician.pk != request.user.pk else Can.TIME_OWN)
    sheet = services.submit_week(technician=technician, week=payload.week, by=request.user)
    return Reply(201, _with_totals(sheet))


def _decided(request, sheet_id: int) -> TimeSheet:
    staff_read(request)
    sheet = get_object_or_404(_sheets(request), pk=sheet_id)
    require_write(request, Can.TIME_APPROVE)
    return sheet


@router.post("/time-sheets/{sheet_id}/approve", response=TimeSheetOut)
def approve_time_sheet(request, sheet_id: int = PathId):
    """Approve a submitted week: its entries are locked (422 on any change) and billable when billing waits for
    approval."""
    return _with_totals(services.approve_week(sheet=_decided(request, sheet_id), by=request.user))


class ReturnIn(Schema):
    comment: text(2000, min_length=1)


@router.post("/time-sheets/{sheet_id}/return", response=TimeSheetOut)
def return_time_sheet(request, payload: ReturnIn, sheet_id: int = PathId):
    """Send a week back with a comment; its entries open again (422 once any of them is billed)."""
    return _with_totals(services.return_week(sheet=_decided(request, sheet_id), by=request.user,
                                             comment=payload.comment))


class DayOut(Schema):
    day: date
    minutes: int
    billable_minutes: int
    business_minutes: int = Field(description="The person's business hours that day, in minutes.")
    entry_ids: list[int]


class WeekOut(Schema):
    technician_id: int
    week: date
    status: str = Field(description="open, submitted, returned, approved (or approved with time added since).")
    sheet_id: int | None
    minutes: int
    billable_minutes: int
    business_minutes: int
    utilisation: float | None = Field(description="Ticket time ÷ business hours, in percent.")
    awaiting_approval: int
    days: list[DayOut]


@router.get("/weeks", response=WeekOut)
def get_week(request, week: date | None = None, technician_id: Id | None = None):
    """A person's week (the Monday of `week`, default this week): totals per day against their business hours and
    the entries' ids (GET /time-entries?technician=&since=&until= lists them)."""
    staff_read(request)
    technician = existing(User, technician_id, "technician_id") or request.user
    if technician.pk != request.user.pk and not _sees_everyone(request.user):
        raise PermissionDenied("You can read your own week only.")
    sheet = selectors.week_of(technician, week_start(week) if week else selectors.week_of_today())
    return {"technician_id": technician.pk, "week": sheet.week, "status": sheet.status,
            "sheet_id": sheet.sheet.pk if sheet.sheet else None, "minutes": sheet.minutes,
            "billable_minutes": sheet.billable, "business_minutes": int(sheet.target),
            "utilisation": float(sheet.utilisation) if sheet.utilisation is not None else None,
            "awaiting_approval": sheet.awaiting_approval,
            "days": [{"day": d.day, "minutes": d.minutes, "billable_minutes": d.billable,
                      "business_minutes": int(d.target), "entry_ids": [e.pk for e in d.entries]} for d in sheet.days]}
