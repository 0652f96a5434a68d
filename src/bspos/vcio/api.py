"""REST endpoints for the vCIO: templates, assessments (answers, targets, CEO links), roadmap and budget,
responsibility matrix. Staff read; owner and vCIO write; a client contact meets 404 as everywhere else."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Path, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from bspos.clients.models import Client
from bspos.core.api import MAX_ID, Id, Pages, existing, money, staff_read, staff_write, text
from bspos.core.filters import api_filter, query_schema
from bspos.core.permissions import Can
from bspos.servicedesk.api import FILE_ANSWER
from bspos.servicedesk.attachments import download
from bspos.vcio import approvals, evidence, history, matrix, selectors, services, work
from bspos.vcio.filters import AssessmentFilter, RoadmapFilter
from bspos.vcio.models import (
    Answer,
    ApprovalLink,
    Assessment,
    AssessmentSnapshot,
    AssessmentTemplate,
    EvidenceFile,
    Party,
    QuestionnaireLink,
    RoadmapDecision,
    RoadmapItem,
)

router = Router(tags=["vcio"])
PathId = Path(..., ge=1, le=MAX_ID)
Code = text(50, min_length=1)


class TemplateOut(Schema):
    id: int
    key: str
    version: int
    name: str
    kind: str
    description: str


class TemplateDetailOut(TemplateOut):
    data: dict


@router.get("/assessment-templates", response=list[TemplateOut])
def list_templates(request):
    staff_read(request)
    return list(AssessmentTemplate.objects.order_by("key", "-version"))


@router.get("/assessment-templates/{template_id}", response=TemplateDetailOut)
def get_template(request, template_id: int = PathId):
    staff_read(request)
    return get_object_or_404(AssessmentTemplate, pk=template_id)


class AreaOut(Schema):
    code: str
    name: str
    score: Decimal | None
    answered: int
    questions: int
    target: int | None
    gap: Decimal | None


class AnswerOut(Schema):
    question: str
    value: int | None
    not_applicable: bool
    evidence: str
    answered_by_id: int | None
    review: Answer.Review
    review_note: str
    reviewed_by_id: int | None


class AssessmentOut(Schema):
    id: int
    client_id: int
    template_id: int
    status: Assessment.Status
    created_at: str
    carried_from_id: int | None
    submitted_at: datetime | None
    shared_at: datetime | None
    closed_at: datetime | None
    overall: Decimal | None


class AssessmentDetailOut(AssessmentOut):
    areas: list[AreaOut]
    answers: list[AnswerOut]


def _summary(assessment: Assessment, detail: bool = False) -> dict:
    areas, overall = services.assessment_scores(assessment)
    row = {"id": assessment.pk, "client_id": assessment.client_id, "template_id": assessment.template_id,
           "status": assessment.status, "created_at": assessment.created_at.isoformat(), "overall": overall,
           **{name: getattr(assessment, name) for name in ("carried_from_id", "submitted_at", "shared_at",
                                                            "closed_at")}}
    if detail:
        row["areas"] = [{**vars(a), "gap": a.gap} for a in areas]
        row["answers"] = list(assessment.answers.all())
    return row


AssessmentQuery = query_schema(AssessmentFilter, "AssessmentQuery")
RoadmapQuery = query_schema(RoadmapFilter, "RoadmapQuery")


def _assessment(request, assessment_id: int) -> Assessment:
    return get_object_or_404(Assessment.objects.visible_to(request.user).select_related("template", "snapshot"),
                             pk=assessment_id)


@router.get("/assessments", response=list[AssessmentOut])
@paginate(Pages)
def list_assessments(request, filters: Query[AssessmentQuery]):
    staff_read(request)
    assessments = Assessment.objects.visible_to(request.user).select_related("template", "snapshot").prefetch_related(
        "answers", "targets").order_by("-created_at", "-id")
    return [_summary(a) for a in api_filter(AssessmentFilter, request, assessments)]


class AssessmentIn(Schema):
    client_id: Id
    template_id: Id


@router.post("/assessments", response={201: AssessmentDetailOut})
def create_assessment(request, payload: AssessmentIn):
    staff_write(request, Can.VCIO)
    client = existing(Client, payload.client_id, "client_id")
    template = existing(AssessmentTemplate, payload.template_id, "template_id")
    return Status(201, _summary(services.start_assessment(client=client, template=template, by=request.user),
                                detail=True))


@router.get("/assessments/{assessment_id}", response=AssessmentDetailOut)
def get_assessment(request, assessment_id: int = PathId):
    staff_read(request)
    return _summary(_assessment(request, assessment_id), detail=True)


class AnswerIn(Schema):
    question: Code
    value: Annotated[int, Field(ge=0, le=100)] | None = None
    not_applicable: bool = False
    evidence: text(5000) = ""


class AnswersIn(Schema):
    answers: Annotated[list[AnswerIn], Field(max_length=500)] = []


@router.put("/assessments/{assessment_id}/answers", response=AssessmentDetailOut)
def put_answers(request, payload: AnswersIn, assessment_id: int = PathId):
    """Set answers (a value from the template's scale, or not_applicable), with evidence; all or nothing. A
    technician's answers wait for the vCIO's review; the vCIO's are accepted as given. Refused (422) once the
    assessment is shared or closed, for an answer the vCIO accepted (technicians), and in review (technicians)."""
    staff_write(request, Can.DESK_WRITE)
    assessment = _assessment(request, assessment_id)
    codes = {q["code"] for area in assessment.template.data["areas"] for q in area["questions"]}
    posted = {}
    for answer in payload.answers:
        if answer.question not in codes:
            raise ValidationError({"answers": f"No question “{answer.question}” in this template."})
        if answer.not_applicable == (answer.value is not None):
            raise ValidationError({"answers": f"{answer.question}: give a value or not_applicable, not both."})
        posted[answer.question] = "na" if answer.not_applicable else str(answer.value)
        posted[f"evidence-{answer.question}"] = answer.evidence
    services.save_answers(assessment, posted, by=request.user)
    return _summary(assessment, detail=True)


class TargetsIn(Schema):
    targets: dict[Code, Annotated[int, Field(ge=0, le=100)]] = {}


@router.put("/assessments/{assessment_id}/targets", response=AssessmentDetailOut)
def put_targets(request, payload: TargetsIn, assessment_id: int = PathId):
    staff_write(request, Can.VCIO)
    assessment = _assessment(request, assessment_id)
    areas = {area["code"] for area in assessment.template.data["areas"]}
    unknown = sorted(set(payload.targets) - areas)
    if unknown:
        raise ValidationError({"targets": f"No area {', '.join(unknown)} in this template."})
    services.set_targets(assessment, {f"target-{code}": str(value) for code, value in payload.targets.items()})
    return _summary(assessment, detail=True)


class LinkIn(Schema):
    sent_to: text(254) = ""
    days: Annotated[int, Field(ge=1, le=90)] = services.LINK_DAYS


class LinkOut(Schema):
    id: int
    url: str
    expires_at: str


@router.post("/assessments/{assessment_id}/links", response={201: LinkOut})
def create_link(request, payload: LinkIn, assessment_id: int = PathId):
    """A questionnaire link for the CEO; the URL (with its token) is in this response only."""
    staff_write(request, Can.VCIO)
    assessment = _assessment(request, assessment_id)
    link, token = services.create_link(assessment, sent_to=payload.sent_to, by=request.user, days=payload.days)
    return Status(201, {"id": link.pk, "url": request.build_absolute_uri(reverse("questionnaire", args=[token])),
                        "expires_at": link.expires_at.isoformat()})


# --- the two stages, the snapshot and the history ---------------------------------------------------------------

@router.post("/assessments/{assessment_id}/submit", response=AssessmentDetailOut)
def submit_assessment(request, assessment_id: int = PathId):
    """Send an assessment being prepared to the vCIO for review."""
    staff_write(request, Can.DESK_WRITE)
    return _summary(services.submit_for_review(assessment=_assessment(request, assessment_id), by=request.user),
                    detail=True)


class ReviewIn(Schema):
    decision: Answer.Review
    note: text(5000) = ""


@router.post("/assessments/{assessment_id}/answers/{question}/review", response=AnswerOut)
def review_answer(request, payload: ReviewIn, assessment_id: int = PathId, question: str = Path(..., max_length=50)):
    """Accept an answer (`accepted`) or send it back (`sent_back`, with a note); sending one back returns an
    assessment in review to being prepared."""
    staff_write(request, Can.VCIO)
    return services.review_answer(assessment=_assessment(request, assessment_id), question=question,
                                  decision=payload.decision, note=payload.note, by=request.user)


@router.post("/assessments/{assessment_id}/accept-waiting", response=AssessmentDetailOut)
def accept_waiting(request, assessment_id: int = PathId):
    """Accept every answer waiting for review."""
    staff_write(request, Can.VCIO)
    assessment = _assessment(request, assessment_id)
    services.accept_waiting(assessment=assessment, by=request.user)
    return _summary(assessment, detail=True)


@router.post("/assessments/{assessment_id}/share", response=AssessmentDetailOut)
def share_assessment(request, assessment_id: int = PathId):
    """Every answer accepted: the client's contacts see it (422 naming what still waits)."""
    staff_write(request, Can.VCIO)
    return _summary(services.share_assessment(assessment=_assessment(request, assessment_id), by=request.user),
                    detail=True)


@router.post("/assessments/{assessment_id}/close", response=AssessmentDetailOut)
def close_assessment(request, assessment_id: int = PathId):
    """Close a reviewed assessment: read-only from now on, kept as a snapshot with the client's roadmap."""
    staff_write(request, Can.VCIO)
    assessment = services.close_assessment(assessment=_assessment(request, assessment_id), by=request.user)
    return _summary(_assessment(request, assessment.pk), detail=True)


class SnapshotOut(Schema):
    taken_at: datetime
    data: dict


@router.get("/assessments/{assessment_id}/snapshot", response=SnapshotOut)
def get_snapshot(request, assessment_id: int = PathId):
    """What a closed assessment showed when it closed: scores, answers, the roadmap and the IT budget."""
    staff_read(request)
    return get_object_or_404(AssessmentSnapshot.objects.visible_to(request.user), assessment_id=assessment_id)


class HistoryOut(Schema):
    id: int
    created_at: datetime
    status: Assessment.Status
    template_version: int
    overall: Decimal | None
    change: Decimal | None


@router.get("/assessments/{assessment_id}/history", response=list[HistoryOut])
def assessment_history(request, assessment_id: int = PathId):
    """Every assessment of the same client and framework, oldest first, with the change in the overall score."""
    staff_read(request)
    return [{"id": row["assessment"].pk, "created_at": row["assessment"].created_at, "status": row["assessment"].status,
             "template_version": row["assessment"].template.version, "overall": row["overall"],
             "change": row["change"]} for row in history.history(_assessment(request, assessment_id))]


class ScoresCompared(Schema):
    first: Decimal | None
    second: Decimal | None
    change: Decimal | None


class AreaCompared(ScoresCompared):
    code: str
    name: str


class QuestionCompared(Schema):
    code: str
    area: str
    text: str
    first: str
    second: str
    changed: bool


class ComparisonOut(Schema):
    first_id: int
    second_id: int
    overall: ScoresCompared
    areas: list[AreaCompared]
    questions: list[QuestionCompared]
    changed: int


@router.get("/assessments/{assessment_id}/compare/{other_id}", response=ComparisonOut)
def compare_assessments(request, assessment_id: int = PathId, other_id: int = PathId):
    """Two assessments of one client's framework side by side (the older first), whichever order they are named."""
    staff_read(request)
    comparison = history.compare(_assessment(request, assessment_id), _assessment(request, other_id))
    return {"first_id": comparison.first.pk, "second_id": comparison.second.pk, "overall": comparison.overall,
            "areas": comparison.areas, "questions": comparison.questions, "changed": comparison.changed}


class EvidenceOut(Schema):
    id: int
    question: str
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_question(row: EvidenceFile) -> str:
        return row.answer.question

    @staticmethod
    def resolve_name(row: EvidenceFile) -> str:
        return row.original_name


def _evidence(request):
    return EvidenceFile.objects.visible_to(request.user).select_related("answer__assessment")


@router.get("/assessments/{assessment_id}/evidence", response=list[EvidenceOut])
def list_evidence(request, assessment_id: int = PathId):
    """The files backing the assessment's answers."""
    staff_read(request)
    return list(_evidence(request).filter(answer__assessment=_assessment(request, assessment_id)))


@router.post("/assessments/{assessment_id}/answers/{question}/evidence", response={201: list[EvidenceOut]})
def upload_evidence(request, assessment_id: int = PathId, question: str = Path(..., max_length=50),
                    attachments: File[list[UploadedFile]] = None):
    """Files for one answer (multipart, field `attachments`); the ticket attachments' limits apply (422 names the
    file refused, nothing is stored), and the answer's rule: refused once shared or closed."""
    staff_write(request, Can.DESK_WRITE)
    rows = evidence.add_evidence(assessment=_assessment(request, assessment_id), question=question,
                                 files=attachments or [], by=request.user)
    return Status(201, rows)


@router.get("/evidence-files/{evidence_file_id}/download", openapi_extra=FILE_ANSWER)
def download_evidence(request, evidence_file_id: int = PathId):
    """The file itself, as `application/octet-stream` with its name in Content-Disposition."""
    staff_read(request)
    return download(get_object_or_404(_evidence(request), pk=evidence_file_id))


@router.delete("/evidence-files/{evidence_file_id}", response={204: None})
def delete_evidence(request, evidence_file_id: int = PathId):
    staff_write(request, Can.DESK_WRITE)
    evidence.remove_evidence(file=get_object_or_404(_evidence(request), pk=evidence_file_id), by=request.user)
    return Status(204, None)


@router.delete("/questionnaire-links/{link_id}", response={204: None})
def revoke_link(request, link_id: int = PathId):
    staff_write(request, Can.VCIO)
    services.revoke_link(link=get_object_or_404(QuestionnaireLink, pk=link_id), by=request.user)
    return Status(204, None)


class RoadmapOut(Schema):
    id: int
    client_id: int
    assessment_id: int | None
    question: str
    area: str
    title: str
    problem: str
    priority: int
    quarter: date
    one_time: Decimal
    monthly: Decimal
    owner_id: int | None
    status: RoadmapItem.Status
    ticket_number: int | None
    ticket_status: str | None

    @staticmethod
    def resolve_ticket_number(item: RoadmapItem) -> int | None:
        return item.ticket.number if item.ticket_id else None

    @staticmethod
    def resolve_ticket_status(item: RoadmapItem) -> str | None:
        return item.ticket.status if item.ticket_id else None


class RoadmapIn(Schema):
    client_id: Id
    area: text(100, min_length=1)
    title: text(300, min_length=1)
    problem: text(5000) = ""
    priority: Annotated[int, Field(ge=1, le=3)] = 2
    quarter: date
    one_time: money(12) = Decimal(0)
    monthly: money(12) = Decimal(0)
    owner_id: Id | None = None
    status: RoadmapItem.Status = RoadmapItem.Status.PROPOSED


class RoadmapPatch(Schema):
    area: text(100, min_length=1) | None = None
    title: text(300, min_length=1) | None = None
    problem: text(5000) | None = None
    priority: Annotated[int, Field(ge=1, le=3)] | None = None
    quarter: date | None = None
    one_time: money(12) | None = None
    monthly: money(12) | None = None
    owner_id: Id | None = None
    status: RoadmapItem.Status | None = None


def _save_item(request, item: RoadmapItem, data: dict) -> RoadmapItem:
    if "client_id" in data:
        data["client"] = existing(Client, data.pop("client_id"), "client_id")
    if "owner_id" in data:
        client = data.get("client") or item.client
        data["owner"] = existing(Party, data.pop("owner_id"), "owner_id", queryset=client.parties.all())
    for name, value in data.items():
        setattr(item, name, value)
    return services.save_roadmap_item(item, by=request.user)


@router.get("/roadmap-items", response=list[RoadmapOut])
@paginate(Pages)
def list_roadmap(request, filters: Query[RoadmapQuery]):
    staff_read(request)
    items = RoadmapItem.objects.visible_to(request.user).select_related("ticket").order_by("quarter", "priority", "id")
    return api_filter(RoadmapFilter, request, items)


@router.post("/roadmap-items", response={201: RoadmapOut})
def create_roadmap_item(request, payload: RoadmapIn):
    staff_write(request, Can.VCIO)
    return Status(201, _save_item(request, RoadmapItem(), payload.dict()))


@router.patch("/roadmap-items/{item_id}", response=RoadmapOut)
def update_roadmap_item(request, payload: RoadmapPatch, item_id: int = PathId):
    staff_write(request, Can.VCIO)
    return _save_item(request, get_object_or_404(RoadmapItem.objects.visible_to(request.user), pk=item_id),
                      {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None})


@router.delete("/roadmap-items/{item_id}", response={204: None})
def delete_roadmap_item(request, item_id: int = PathId):
    staff_write(request, Can.VCIO)
    services.delete_roadmap_item(get_object_or_404(RoadmapItem.objects.visible_to(request.user), pk=item_id),
                                 by=request.user)
    return Status(204, None)


class WorkOut(Schema):
    ticket_number: int
    item: RoadmapOut


@router.post("/roadmap-items/{item_id}/ticket", response={201: WorkOut})
def ticket_for_item(request, item_id: int = PathId):
    """Open a ticket for the client that carries the item out, linked both ways."""
    staff_write(request, Can.VCIO)
    item = get_object_or_404(RoadmapItem, pk=item_id)
    ticket = work.ticket_for_item(item=item, by=request.user)
    return Status(201, {"ticket_number": ticket.number, "item": RoadmapItem.objects.select_related("ticket").get(
        pk=item.pk)})


@router.post("/assessments/{assessment_id}/answers/{question}/ticket", response={201: WorkOut})
def ticket_for_answer(request, assessment_id: int = PathId, question: str = Path(..., max_length=50)):
    """A ticket from an assessment's finding, through the question's roadmap item (added when there is none)."""
    staff_write(request, Can.VCIO)
    ticket = work.ticket_for_answer(assessment=_assessment(request, assessment_id), question=question,
                                    by=request.user)
    return Status(201, {"ticket_number": ticket.number,
                        "item": ticket.roadmap_items.select_related("ticket").order_by("pk").first()})


@router.post("/roadmap-items/{item_id}/done", response=RoadmapOut)
def mark_item_done(request, item_id: int = PathId):
    staff_write(request, Can.VCIO)
    item = work.mark_done(item=get_object_or_404(RoadmapItem, pk=item_id), by=request.user)
    return RoadmapItem.objects.select_related("ticket").get(pk=item.pk)


class BudgetOut(Schema):
    year: int
    label: str
    first: date
    last: date
    one_time: Decimal
    recurring: Decimal
    total: Decimal


@router.get("/clients/{client_id}/it-budget", response=list[BudgetOut])
def it_budget(request, client_id: int = PathId, first_year: Annotated[int, Field(ge=2000, le=2100)] | None = None,
              years: Annotated[int, Field(ge=1, le=10)] = 3):
    staff_read(request)
    """The IT budget per fiscal year of the client (named for the calendar year it ends in), from the roadmap."""
    client = get_object_or_404(Client, pk=client_id)
    return selectors.budget_by_year(client, first_year, years)


# --- client approvals ---------------------------------------------------------------------------------------------

class ApprovalLinkIn(Schema):
    item_ids: Annotated[list[Id], Field(max_length=500)] | None = None  # default: every proposed item
    sent_to_name: text(200) = ""
    sent_to: text(254) = ""
    message: text(5000) = ""
    days: Annotated[int, Field(ge=1, le=90)] = approvals.LINK_DAYS


class ApprovalLinkOut(Schema):
    id: int
    client_id: int
    sent_to_name: str
    sent_to: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    item_ids: list[int]
    url: str | None = None  # only in the answer that creates it

    @staticmethod
    def resolve_item_ids(link: ApprovalLink) -> list[int]:
        return [item.pk for item in link.items.all()]


class DecisionOut(Schema):
    id: int
    item_id: int
    link_id: int
    decision: str
    decided_by_name: str
    decided_by_id: int | None
    comment: str
    decided_at: datetime


@router.get("/clients/{client_id}/approval-links", response=list[ApprovalLinkOut])
def list_approval_links(request, client_id: int = PathId):
    staff_read(request)
    client = get_object_or_404(Client, pk=client_id)
    return list(client.approval_links.prefetch_related("items"))


@router.post("/clients/{client_id}/approval-links", response={201: ApprovalLinkOut})
def create_approval_link(request, payload: ApprovalLinkIn, client_id: int = PathId):
    """A no-login link for the client to approve or decline proposed items; the URL is in this answer only."""
    staff_write(request, Can.VCIO)
    client = get_object_or_404(Client, pk=client_id)
    items = None if payload.item_ids is None else list(RoadmapItem.objects.filter(pk__in=payload.item_ids))
    if items is not None and len(items) != len(set(payload.item_ids)):
        raise ValidationError({"item_ids": "No roadmap item with one of these ids."})
    link, token = approvals.create_approval_link(client=client, items=items, sent_to_name=payload.sent_to_name,
                                                 sent_to=payload.sent_to, message=payload.message, by=request.user,
                                                 days=payload.days)
    link.url = request.build_absolute_uri(reverse("approval", args=[token]))
    return Status(201, link)


@router.delete("/approval-links/{approval_link_id}", response={204: None})
def revoke_approval_link(request, approval_link_id: int = PathId):
    staff_write(request, Can.VCIO)
    approvals.revoke_approval_link(link=get_object_or_404(ApprovalLink, pk=approval_link_id), by=request.user)
    return Status(204, None)


@router.get("/clients/{client_id}/roadmap-decisions", response=list[DecisionOut])
@paginate(Pages)
def list_decisions(request, client_id: int = PathId):
    """Who approved or declined which roadmap item, when, and why; newest first."""
    staff_read(request)
    client = get_object_or_404(Client, pk=client_id)
    return RoadmapDecision.objects.filter(item__client=client).order_by("-decided_at", "-id")


class CellOut(Schema):
    area: str
    party_id: int
    role: str


class PartyOut(Schema):
    id: int
    name: str
    kind: str


class MatrixOut(Schema):
    parties: list[PartyOut]
    cells: list[CellOut]
    areas_without_accountable: list[str]


class CellIn(Schema):
    area: Code
    party_id: Id
    role: Annotated[str, Field(pattern="^[RACI]$")]


class MatrixIn(Schema):
    cells: Annotated[list[CellIn], Field(max_length=5000)] = []


def _matrix(client: Client) -> dict:
    parties = matrix.parties_of(client)
    cells = matrix.grid(client)
    with_a = {area for (area, _), role in cells.items() if role == "A"}
    return {"parties": parties, "cells": [{"area": a, "party_id": p, "role": r} for (a, p), r in cells.items()],
            "areas_without_accountable": [code for code in matrix.AREAS if code not in with_a]}


@router.get("/clients/{client_id}/responsibility-matrix", response=MatrixOut)
def get_matrix(request, client_id: int = PathId):
    staff_read(request)
    return _matrix(get_object_or_404(Client, pk=client_id))


@router.put("/clients/{client_id}/responsibility-matrix", response=MatrixOut)
def put_matrix(request, payload: MatrixIn, client_id: int = PathId):
    """Replace the matrix; at most one Accountable per area, or nothing changes (422 naming the areas)."""
    staff_write(request, Can.VCIO)
    client = get_object_or_404(Client, pk=client_id)
    with transaction.atomic():
        matrix.save_grid(client, {f"cell-{c.area}-{c.party_id}": c.role for c in payload.cells})
    return _matrix(client)
