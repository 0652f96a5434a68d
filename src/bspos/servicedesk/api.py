"""REST endpoints for tickets, their notes, and time entries; writes go through servicedesk.services."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Path, Query, Router, Schema, UploadedFile
from ninja import Status as Reply
from ninja.pagination import paginate
from pydantic import AwareDatetime

from bspos.agreements.models import Agreement
from bspos.assets.models import Asset
from bspos.clients.models import Client, Contact
from bspos.core.api import MAX_ID, Id, Pages, existing, require_write, staff_read, staff_write, text
from bspos.core.filters import api_filter, query_schema
from bspos.core.permissions import Can, can
from bspos.people.models import User
from bspos.projects.models import Task
from bspos.servicedesk import services
from bspos.servicedesk.attachments import attach, download
from bspos.servicedesk.filters import TicketFilter, TimeEntryFilter
from bspos.servicedesk.models import (
    Attachment,
    CannedReply,
    Category,
    Level,
    Note,
    Source,
    Status,
    Ticket,
    TicketType,
    TimeCategory,
    TimeEntry,
)
from bspos.servicedesk.selectors import canned_text, with_sla_state
from bspos.sla.models import Priority

router = Router(tags=["service desk"])
PathId = Path(..., ge=1, le=MAX_ID)
TicketQuery = query_schema(TicketFilter)
TimeEntryQuery = query_schema(TimeEntryFilter)


class TicketOut(Schema):
    id: int
    number: int
    client_id: int
    contact_id: int | None
    agreement_id: int | None
    asset_id: int | None
    subject: str
    description: str
    source: Source
    ticket_type: TicketType
    category: Category
    impact: Level
    urgency: Level
    priority: Priority
    status: Status
    tier: int
    assignee_id: int | None
    escalation_count: int
    in_scope: bool
    created_at: datetime
    updated_at: datetime
    first_response_due: datetime | None
    first_response_at: datetime | None
    resolution_due: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    sla_state: str
    cc: list[str]


class TicketIn(Schema):
    client_id: Id | None = Field(None, description="Required for MSP staff; a client contact's own company.")
    subject: text(250, min_length=1)
    description: text(20000) = ""
    contact_id: Id | None = None
    asset_id: Id | None = None
    agreement_id: Id | None = Field(None, description="One of the client's agreements; by default the one in force "
                                                      "on the ticket's day.")
    source: Source = Source.API
    ticket_type: TicketType = TicketType.INCIDENT
    category: Category = Category.OTHER
    impact: Level = Level.MEDIUM
    urgency: Level = Level.MEDIUM
    assignee_id: Id | None = None
    in_scope: bool = True


class TicketPatch(Schema):
    subject: text(250, min_length=1) | None = None
    description: text(20000) | None = None
    contact_id: Id | None = None
    asset_id: Id | None = None
    agreement_id: Id | None = Field(None, description="One of the client's agreements, or null for none; the SLA "
                                                      "plan and clocks follow it.")
    ticket_type: TicketType | None = None
    category: Category | None = None
    impact: Level | None = None
    urgency: Level | None = None
    status: Status | None = Field(None, description="Resolving or closing needs a resolution note: send `resolution` "
                                                    "too unless the ticket has one.")
    resolution: text(5000) | None = Field(None, description="How it was resolved (saved before the status moves).")
    tier: int | None = Field(None, ge=1, le=3)
    assignee_id: Id | None = None
    in_scope: bool | None = None
    cc: list[text(254)] | None = Field(None, max_length=50, description="Addresses copied on email replies.")


def _ticket(request, number: int) -> Ticket:
    return get_object_or_404(with_sla_state(Ticket.objects.visible_to(request.user)), number=number)


@router.get("/tickets", response=list[TicketOut])
@paginate(Pages)
def list_tickets(request, filters: Query[TicketQuery]):
    """Every status unless `status` is given (`active`: any open one); the queue's filters otherwise."""
    tickets = with_sla_state(Ticket.objects.visible_to(request.user)).order_by("-number")
    return api_filter(TicketFilter, request, tickets)


@router.post("/tickets", response={201: TicketOut})
def create_ticket(request, payload: TicketIn):
    data = payload.dict()
    if can(request.user, Can.PORTAL):  # a client contact opens tickets for their own company only
        require_write(request, Can.PORTAL)
        own = request.user.contact
        ticket = services.create_ticket(client=own.client, contact=own, subject=data["subject"],
                                        description=data["description"], source=Source.API,
                                        created_by=request.user)  # the agreement in force: a contact cannot pick
        return Reply(201, _ticket(request, ticket.number))
    staff_write(request, Can.DESK_WRITE)
    client = existing(Client, data.pop("client_id"), "client_id")
    if client is None:
        raise ValidationError({"client_id": "Choose the client the ticket is for."})
    ticket = services.create_ticket(
        client=client, subject=data["subject"], description=data["description"], impact=data["impact"],
        urgency=data["urgency"], source=data["source"], ticket_type=data["ticket_type"], category=data["category"],
        in_scope=data["in_scope"], created_by=request.user,
        contact=existing(Contact, data["contact_id"], "contact_id"),
        asset=existing(Asset, data["asset_id"], "asset_id"),
        agreement=existing(Agreement, data["agreement_id"], "agreement_id"),
        assignee=existing(User, data["assignee_id"], "assignee_id"))
    return Reply(201, _ticket(request, ticket.number))


@router.get("/tickets/{number}", response=TicketOut)
def get_ticket(request, number: int = PathId):
    return _ticket(request, number)


@router.patch("/tickets/{number}", response=TicketOut)
def update_ticket(request, payload: TicketPatch, number: int = PathId):
    staff_write(request, Can.DESK_WRITE)
    data = payload.dict(exclude_unset=True)
    with transaction.atomic():
        ticket = get_object_or_404(Ticket.objects.select_for_update(of=("self",)).select_related(
            "sla_plan__calendar"), number=number)
        status = data.pop("status", None)
        impact, urgency = data.pop("impact", None), data.pop("urgency", None)
        agreement_given, agreement_id = "agreement_id" in data, data.pop("agreement_id", None)
        for field, model in (("contact_id", Contact), ("asset_id", Asset), ("assignee_id", User)):
            if field in data:
                data[field.removesuffix("_id")] = existing(model, data.pop(field), field)
        if "cc" in data:
            services.change_cc(ticket, data.pop("cc") or [], by=request.user)
        if data:
            services.update_ticket(ticket, by=request.user, **data)
        if agreement_given and agreement_id != ticket.agreement_id:
            services.change_agreement(ticket, existing(Agreement, agreement_id, "agreement_id"), by=request.user)
        if impact is not None or urgency is not None:
            services.change_priority(ticket, impact=impact, urgency=urgency, by=request.user)
        if status is not None and status != ticket.status:
            services.change_status(ticket, status, by=request.user)
    return _ticket(request, number)


@router.delete("/tickets/{number}", response={204: None})
def delete_ticket(request, number: int = PathId):
    staff_write(request, Can.DELETE)
    services.delete_ticket(get_object_or_404(Ticket, number=number), by=request.user)
    return Reply(204, None)


class NoteOut(Schema):
    id: int
    ticket_number: int = Field(..., alias="ticket.number")
    author_id: int | None
    body: str
    is_internal: bool
    created_at: datetime


class NoteIn(Schema):
    body: text(20000, min_length=1)
    is_internal: bool = False


class NotePatch(Schema):
    body: text(20000, min_length=1)


@router.get("/tickets/{number}/notes", response=list[NoteOut])
@paginate(Pages)
def list_notes(request, number: int = PathId):
    ticket = _ticket(request, number)
    return Note.objects.visible_to(request.user).filter(ticket=ticket).select_related("ticket").order_by(
        "created_at", "id")


@router.post("/tickets/{number}/notes", response={201: NoteOut})
def create_note(request, payload: NoteIn, number: int = PathId):
    ticket = _ticket(request, number)
    if can(request.user, Can.PORTAL):
        require_write(request, Can.PORTAL)
        if payload.is_internal:
            raise ValidationError({"is_internal": "Client contacts write public replies only."})
    else:
        staff_write(request, Can.DESK_WRITE)
    note = services.add_note(ticket, author=request.user, body=payload.body, is_internal=payload.is_internal)
    return Reply(201, note)


class RespondIn(Schema):
    body: text(20000) = ""
    is_internal: bool = False
    minutes: int | None = Field(None, ge=1, le=24 * 60, description="Time spent, logged for the caller.")
    billable: bool | None = None
    status: Status | None = Field(None, description="A status to set after the reply; resolving or closing needs a "
                                                    "resolution (unless the ticket has one).")
    resolution: text(5000) = ""


@router.post("/tickets/{number}/respond", response=TicketOut)
def respond(request, payload: RespondIn, number: int = PathId):
    """The ticket page's composer: a reply or internal note, time, a status and the resolution in one call; any
    refusal (422) changes nothing."""
    staff_write(request, Can.DESK_WRITE)
    if payload.minutes:
        require_write(request, Can.TIME_OWN)
    with transaction.atomic():
        ticket = get_object_or_404(Ticket.objects.select_for_update(of=("self",)).select_related(
            "sla_plan__calendar"), number=number)
        services.respond(ticket, by=request.user, body=payload.body, internal=payload.is_internal,
                         minutes=payload.minutes, billable=payload.billable, status=payload.status,
                         resolution=payload.resolution)
    return _ticket(request, number)


class CannedReplyOut(Schema):
    id: int
    title: str
    body: str = Field(..., description="With its placeholders, e.g. {contact_first_name}.")


class CannedTextOut(Schema):
    id: int
    title: str
    text: str = Field(..., description="The body with its placeholders filled for the ticket and the caller.")


@router.get("/canned-replies", response=list[CannedReplyOut])
@paginate(Pages)
def list_canned_replies(request):
    staff_read(request)
    return CannedReply.objects.all()


@router.get("/tickets/{number}/canned-replies/{reply_id}", response=CannedTextOut)
def canned_reply_for_ticket(request, number: int = PathId, reply_id: int = PathId):
    """A canned reply filled for this ticket, as the composer inserts it."""
    staff_read(request)
    ticket = get_object_or_404(Ticket.objects.select_related("client", "contact"), number=number)
    reply = get_object_or_404(CannedReply, pk=reply_id)
    return {"id": reply.pk, "title": reply.title, "text": canned_text(reply, ticket, request.user)}


def _note(request, note_id: int) -> Note:
    return get_object_or_404(Note.objects.visible_to(request.user).select_related("ticket"), pk=note_id)


@router.get("/notes/{note_id}", response=NoteOut)
def get_note(request, note_id: int = PathId):
    return _note(request, note_id)


@router.patch("/notes/{note_id}", response=NoteOut)
def update_note(request, payload: NotePatch, note_id: int = PathId):
    staff_write(request, Can.DESK_WRITE)
    note = _note(request, note_id)
    if note.author_id != request.user.pk and not can(request.user, Can.DELETE):
        raise PermissionDenied("Only the author (or a manager) can edit a note.")
    return services.update_note(note, body=payload.body, by=request.user)


@router.delete("/notes/{note_id}", response={204: None})
def delete_note(request, note_id: int = PathId):
    staff_write(request, Can.DELETE)
    services.delete_note(_note(request, note_id), by=request.user)
    return Reply(204, None)


class AttachmentOut(Schema):
    id: int
    ticket_number: int = Field(..., alias="ticket.number")
    note_id: int | None
    name: str = Field(..., alias="original_name")
    content_type: str
    size: int
    sha256: str
    uploaded_by_id: int | None
    created_at: datetime


FILE_ANSWER = {"responses": {200: {"description": "The file's bytes (always offered as a download).",
                                   "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                                       "format": "binary"}}}}}}


def _attachments(request):
    return Attachment.objects.visible_to(request.user).select_related("ticket")


@router.get("/tickets/{number}/attachments", response=list[AttachmentOut])
@paginate(Pages)
def list_attachments(request, number: int = PathId):
    """The ticket's files and its notes' (a client contact: the ticket's own and public replies' only)."""
    return _attachments(request).filter(ticket=_ticket(request, number)).order_by("created_at", "id")


@router.post("/tickets/{number}/attachments", response={201: list[AttachmentOut]})
def upload_attachments(request, number: int = PathId, attachments: File[list[UploadedFile]] = None,
                       note_id: Form[Id | None] = None):
    """Attach files (multipart, field `attachments`, one or more) to the ticket, or to its note `note_id`; the
    desk's limits apply (422 names the file refused, and nothing is stored)."""
    ticket = _ticket(request, number)
    if can(request.user, Can.PORTAL):
        require_write(request, Can.PORTAL)
    else:
        staff_write(request, Can.DESK_WRITE)
    if not attachments:
        raise ValidationError({"attachments": "Send one or more files in the multipart field “attachments”."})
    note = None
    if note_id is not None:
        note = existing(Note, note_id, "note_id", Note.objects.visible_to(request.user).filter(ticket=ticket))
    with transaction.atomic():
        rows = attach(ticket, attachments, note=note, by=request.user)
    return Reply(201, rows)


@router.get("/attachments/{attachment_id}", response=AttachmentOut)
def get_attachment(request, attachment_id: int = PathId):
    return get_object_or_404(_attachments(request), pk=attachment_id)


@router.get("/attachments/{attachment_id}/download", openapi_extra=FILE_ANSWER)
def download_attachment(request, attachment_id: int = PathId):
    """The file itself, as `application/octet-stream` with its name in Content-Disposition."""
    return download(get_object_or_404(_attachments(request), pk=attachment_id))


class TimeEntryOut(Schema):
    id: int
    technician_id: int
    ticket_number: int | None
    task_id: int | None = Field(None, description="The project task the time is on, if any.")
    internal_category: str
    started_at: datetime
    minutes: int
    billable: bool
    bill_rate: Decimal
    cost_rate: Decimal | None = Field(None, description="Only for the finance capability; null otherwise.")
    notes: str
    approved_at: datetime | None = Field(None, description="When its week's time sheet was approved: approved time "
                                                           "cannot be changed or deleted (422).")
    approved_by_id: int | None

    @staticmethod
    def resolve_ticket_number(entry: TimeEntry) -> int | None:
        return entry.ticket.number if entry.ticket_id else None

    @staticmethod
    def resolve_cost_rate(entry: TimeEntry, context) -> Decimal | None:
        return entry.cost_rate if can(context["request"].user, Can.FINANCE) else None  # finance-only


class TimeEntryIn(Schema):
    technician_id: Id | None = Field(None, description="Defaults to the caller; others need time.all.")
    ticket_number: Id | None = None
    task_id: Id | None = Field(None, description="A project task instead of a ticket.")
    internal_category: text(20) | None = Field(None, description="The code of an internal category in use "
                                                                 "(GET /time-categories).")
    started_at: AwareDatetime
    minutes: int = Field(..., ge=1, le=24 * 60)
    billable: bool | None = None
    notes: text(2000) = ""


class TimeEntryPatch(Schema):
    started_at: AwareDatetime | None = None
    minutes: int | None = Field(None, ge=1, le=24 * 60)
    billable: bool | None = None
    notes: text(2000) | None = None


def _own_or_all(request, technician_id: int) -> None:
    if technician_id != request.user.pk:
        require_write(request, Can.TIME_ALL)
    else:
        require_write(request, Can.TIME_OWN)


def _time_entries(request):
    staff_read(request)
    return TimeEntry.objects.visible_to(request.user).select_related("ticket")


@router.get("/time-entries", response=list[TimeEntryOut])
@paginate(Pages)
def list_time_entries(request, filters: Query[TimeEntryQuery]):
    return api_filter(TimeEntryFilter, request, _time_entries(request).order_by("-started_at", "-id"))


@router.post("/time-entries", response={201: TimeEntryOut})
def create_time_entry(request, payload: TimeEntryIn):
    staff_read(request)
    technician = existing(User, payload.technician_id, "technician_id") or request.user
    _own_or_all(request, technician.pk)
    ticket = None
    if payload.ticket_number is not None:
        ticket = Ticket.objects.filter(number=payload.ticket_number).first()
        if ticket is None:
            raise ValidationError({"ticket_number": f"No ticket #{payload.ticket_number}."})
    task = existing(Task, payload.task_id, "task_id", Task.objects.visible_to(request.user).select_related("project"))
    entry = services.log_time(technician=technician, ticket=ticket, task=task, minutes=payload.minutes,
                              started_at=payload.started_at, internal_category=payload.internal_category or "",
                              billable=payload.billable, notes=payload.notes, by=request.user)
    return Reply(201, entry)


@router.get("/time-entries/{entry_id}", response=TimeEntryOut)
def get_time_entry(request, entry_id: int = PathId):
    return get_object_or_404(_time_entries(request), pk=entry_id)


@router.patch("/time-entries/{entry_id}", response=TimeEntryOut)
def update_time_entry(request, payload: TimeEntryPatch, entry_id: int = PathId):
    """Billed time (on an issued invoice) and approved time are final: 422 saying why, nothing changed."""
    with transaction.atomic():
        entry = get_object_or_404(_time_entries(request).select_for_update(of=("self",)), pk=entry_id)
        _own_or_all(request, entry.technician_id)
        return services.update_time_entry(entry, by=request.user, **payload.dict(exclude_unset=True))


@router.delete("/time-entries/{entry_id}", response={204: None})
def delete_time_entry(request, entry_id: int = PathId):
    """Billed time (on an issued invoice) and approved time are final: 422 saying why, nothing deleted."""
    entry = get_object_or_404(_time_entries(request), pk=entry_id)
    _own_or_all(request, entry.technician_id)
    services.delete_time_entry(entry, by=request.user)
    return Reply(204, None)



class TimeCategoryOut(Schema):
    code: str
    name: str
    is_active: bool


@router.get("/time-categories", response=list[TimeCategoryOut])
def list_time_categories(request):
    """The internal categories time can be logged on (retired ones too, `is_active` false)."""
    staff_read(request)
    return list(TimeCategory.objects.all())
