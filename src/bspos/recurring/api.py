"""REST endpoints for recurring ticket templates: list (with the list page's filters), fetch, create, update."""

from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from bspos.clients.models import Client, Contact
from bspos.core.api import MAX_ID, Id, Pages, existing, staff_read, staff_write, text
from bspos.core.filters import api_filter, query_schema
from bspos.core.permissions import Can
from bspos.knowledge.models import ChecklistTemplate
from bspos.people.models import STAFF_ROLES, User
from bspos.recurring import services
from bspos.recurring.filters import RecurringTicketFilter
from bspos.recurring.models import CLIENT_CHECKLISTS, MAX_DAYS_AHEAD, Frequency, RecurringTicket
from bspos.servicedesk.models import Category

router = Router(tags=["recurring tickets"])
# A wall-clock time in the MSP's zone, "HH:MM" (OpenAPI's "time" format would demand an offset).
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM in the MSP's zone")]
RecurringQuery = query_schema(RecurringTicketFilter)
PathId = Path(..., ge=1, le=MAX_ID)


class RecurringOut(Schema):
    id: int
    client_id: int
    subject: str
    description: str
    contact_id: int | None
    assignee_id: int | None
    impact: int
    urgency: int
    category: str
    checklist_template_id: int | None
    frequency: Frequency
    interval: int
    weekdays: list[int]
    month_day: int | None
    starts_on: date
    ends_on: date | None
    count: int | None
    time_of_day: ClockTime
    days_ahead: int
    paused: bool
    ended_at: datetime | None
    next_at: datetime | None

    @staticmethod
    def resolve_time_of_day(template: RecurringTicket) -> str:
        return f"{template.time_of_day:%H:%M}"

    @staticmethod
    def resolve_weekdays(template: RecurringTicket) -> list[int]:
        return template.weekday_numbers()


class RecurringPatch(Schema):
    subject: text(200, min_length=1) | None = None
    description: text(20000) | None = None
    contact_id: Id | None = None
    assignee_id: Id | None = None
    impact: int | None = Field(None, ge=1, le=3)
    urgency: int | None = Field(None, ge=1, le=3)
    category: Category | None = None
    checklist_template_id: Id | None = None
    frequency: Frequency | None = None
    interval: int | None = Field(None, ge=1, le=365)
    weekdays: list[int] | None = Field(None, max_length=7)
    month_day: int | None = Field(None, ge=-1, le=31)
    starts_on: date | None = None
    ends_on: date | None = None
    count: int | None = Field(None, ge=1, le=100_000)
    time_of_day: ClockTime | None = None
    days_ahead: int | None = Field(None, ge=0, le=MAX_DAYS_AHEAD)
    paused: bool | None = None


class RecurringIn(RecurringPatch):
    client_id: Id
    subject: text(200, min_length=1)
    frequency: Frequency
    starts_on: date


def _fields(payload: Schema, client_id: int) -> dict:
    """The fields set in the request, references resolved within the template's client (422 otherwise)."""
    data = payload.dict(exclude_unset=True)
    data.pop("client_id", None)
    if "weekdays" in data:
        if any(day not in range(7) for day in data["weekdays"] or []):
            raise ValidationError({"weekdays": "Weekdays are 0 (Monday) to 6 (Sunday)."})
        data["weekdays"] = ",".join(str(d) for d in sorted(set(data["weekdays"] or [])))
    if data.get("time_of_day") is not None:
        data["time_of_day"] = datetime.strptime(data["time_of_day"], "%H:%M").time()
    if "contact_id" in data:
        data["contact"] = existing(Contact, data.pop("contact_id"), "contact_id",
                                   Contact.objects.filter(client_id=client_id))
    if "assignee_id" in data:
        data["assignee"] = existing(User, data.pop("assignee_id"), "assignee_id",
                                    User.objects.filter(role__in=STAFF_ROLES))
    if "checklist_template_id" in data:
        data["checklist_template"] = existing(ChecklistTemplate, data.pop("checklist_template_id"),
                                              "checklist_template_id",
                                              ChecklistTemplate.objects.filter(active=True,
                                                                               kind__in=CLIENT_CHECKLISTS))
    return data


def _template(request, template_id: int) -> RecurringTicket:
    return get_object_or_404(RecurringTicket.objects.visible_to(request.user), pk=template_id)


@router.get("/recurring-tickets", response=list[RecurringOut])
@paginate(Pages)
def list_recurring(request, filters: Query[RecurringQuery]):
    staff_read(request)
    return api_filter(RecurringTicketFilter, request, RecurringTicket.objects.visible_to(request.user)).order_by(
        "client_id", "subject", "id")


@router.get("/recurring-tickets/{int:template_id}", response=RecurringOut)
def get_recurring(request, template_id: int = PathId):
    staff_read(request)
    return _template(request, template_id)


@router.post("/recurring-tickets", response={201: RecurringOut})
def create_recurring(request, payload: RecurringIn):
    staff_write(request, Can.DESK_WRITE)
    client = existing(Client, payload.client_id, "client_id")
    return Status(201, services.create_template(by=request.user, client=client,
                                                **_fields(payload, client.pk)))


@router.patch("/recurring-tickets/{int:template_id}", response=RecurringOut)
def update_recurring(request, payload: RecurringPatch, template_id: int = PathId):
    """Change a template (pause with `paused: true`, resume with `false`); the schedule restarts from now."""
    staff_write(request, Can.DESK_WRITE)
    template = _template(request, template_id)
    data = _fields(payload, template.client_id)
    paused = data.pop("paused", None)
    if data:
        template = services.update_template(template, by=request.user, **data)
    if paused is True and not template.paused:
        template = services.pause(template, by=request.user)
    elif paused is False and template.paused:
        template = services.resume(template, by=request.user)
    return template
