"""REST endpoints for the leadership tools: the Hats Chart with its metrics, meetings, issues, decisions, to-dos,
one-on-ones and reviews, and the 365 plan with its rocks. Staff read; the owner and the leadership team write;
a client contact meets 404 everywhere."""

from datetime import date, datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Path, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from bspos.core.api import MAX_ID, Id, Pages, existing, require_write, staff_read, text
from bspos.core.permissions import Can
from bspos.leadership import selectors, services
from bspos.leadership.models import Conversation, Decision, Hat, Issue, Meeting, Plan, Rock, Todo
from bspos.people.models import STAFF_ROLES, User

router = Router(tags=["leadership"])
PathId = Path(..., ge=1, le=MAX_ID)
YearPath = Path(..., ge=2000, le=2100)


def _lead(request) -> None:
    staff_read(request)
    require_write(request, Can.DESK_READ)
    services.require_lead(request.user)


def _staff(pk: int, field: str) -> User:
    return existing(User, pk, field, User.objects.filter(role__in=STAFF_ROLES, is_active=True))


class MetricOut(Schema):
    id: int
    name: str
    live: str
    target: Decimal
    direction: str


class HatOut(Schema):
    id: int
    name: str
    position: int
    owner_id: int | None
    responsibilities: str
    metrics: list[MetricOut]

    @staticmethod
    def resolve_metrics(hat: Hat) -> list:
        return list(hat.metrics.all())


class SectionOut(Schema):
    section: str
    minutes: int


class EvidenceOut(Schema):
    statement: str
    answer: int = Field(..., ge=0, le=4)
    evidence: str


class MeetingOut(Schema):
    id: int
    scheduled_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    rating: int | None
    agenda: list[SectionOut]
    attendee_ids: list[int]
    started_on_time: bool | None

    @staticmethod
    def resolve_agenda(meeting: Meeting) -> list[dict]:
        return [{"section": name, "minutes": minutes} for name, minutes in meeting.agenda]

    @staticmethod
    def resolve_attendee_ids(meeting: Meeting) -> list[int]:
        return [u.pk for u in meeting.attendees.all()]


class IssueOut(Schema):
    id: int
    title: str
    detail: str
    priority: int
    status: str
    raised_at: datetime
    solved_in_id: int | None


class IssueIn(Schema):
    title: text(200, min_length=1)
    detail: text(5000) = ""


class TodoIn(Schema):
    title: text(200, min_length=1)
    owner_id: Id
    due_on: date


class SolveIn(Schema):
    meeting_id: Id | None = None
    decision: text(5000) = ""
    todos: list[TodoIn] = Field(default_factory=list, max_length=20)


class DecisionOut(Schema):
    id: int
    text: str
    decided_on: date
    meeting_id: int | None
    issue_id: int | None


class TodoOut(Schema):
    id: int
    title: str
    owner_id: int
    due_on: date
    done_on: date | None
    issue_id: int | None
    meeting_id: int | None


class TodoPatch(Schema):
    done: bool


class ConversationOut(Schema):
    id: int
    kind: str
    person_id: int
    manager_id: int | None
    period_start: date
    due_on: date
    status: str
    held_on: date | None


class RockOut(Schema):
    id: int
    quarter: int
    title: str
    owner_id: int
    on_track: bool
    done: bool | None
    carried_from_id: int | None


class RockIn(Schema):
    quarter: int = Field(..., ge=1, le=4)
    title: text(200, min_length=1)
    owner_id: Id


class RockPatch(Schema):
    title: text(200, min_length=1) | None = None
    on_track: bool | None = None
    done: bool | None = None


class PlanOut(Schema):
    year: int
    vision: str
    rocks: list[RockOut]

    @staticmethod
    def resolve_rocks(plan: Plan) -> list:
        return list(plan.rocks.all())


@router.get("/leadership/hats", response=list[HatOut])
def list_hats(request):
    staff_read(request)
    return list(Hat.objects.prefetch_related("metrics"))


@router.get("/leadership/hats/{int:hat_id}", response=HatOut)
def get_hat(request, hat_id: int = PathId):
    staff_read(request)
    return get_object_or_404(Hat, pk=hat_id)


@router.get("/leadership/meetings", response=list[MeetingOut])
@paginate(Pages)
def list_meetings(request):
    staff_read(request)
    return Meeting.objects.prefetch_related("attendees").order_by("-scheduled_at", "-id")


@router.get("/leadership/meetings/{int:meeting_id}", response=MeetingOut)
def get_meeting(request, meeting_id: int = PathId):
    staff_read(request)
    return get_object_or_404(Meeting, pk=meeting_id)


@router.get("/leadership/issues", response=list[IssueOut])
@paginate(Pages)
def list_issues(request):
    staff_read(request)
    return Issue.objects.order_by("status", "priority", "id")


@router.post("/leadership/issues", response={201: IssueOut})
def raise_issue(request, payload: IssueIn):
    """Any staff member raises an issue for the leadership meeting (a write token); a contact meets 404."""
    staff_read(request)
    require_write(request, Can.DESK_READ)
    return Status(201, services.raise_issue(title=payload.title, detail=payload.detail, by=request.user))


@router.post("/leadership/issues/{int:issue_id}/solve", response=IssueOut)
def solve_issue(request, payload: SolveIn, issue_id: int = PathId):
    """Solve an issue: a decision, to-dos with owners and due dates, or both."""
    _lead(request)
    issue = get_object_or_404(Issue, pk=issue_id)
    meeting = existing(Meeting, payload.meeting_id, "meeting_id") if payload.meeting_id else None
    todos = [{"title": t.title, "owner": _staff(t.owner_id, "todos"), "due_on": t.due_on} for t in payload.todos]
    return services.solve_issue(issue, meeting=meeting, decision=payload.decision, todos=todos, by=request.user)


@router.get("/leadership/decisions", response=list[DecisionOut])
@paginate(Pages)
def list_decisions(request):
    staff_read(request)
    return Decision.objects.order_by("-decided_on", "-id")


@router.get("/leadership/todos", response=list[TodoOut])
@paginate(Pages)
def list_todos(request):
    staff_read(request)
    return Todo.objects.order_by("due_on", "id")


@router.patch("/leadership/todos/{int:todo_id}", response=TodoOut)
def update_todo(request, payload: TodoPatch, todo_id: int = PathId):
    _lead(request)
    todo = get_object_or_404(Todo, pk=todo_id)
    if payload.done:
        return services.complete_todo(todo, by=request.user)
    return services._save(todo, request.user, done_on=None)


@router.get("/leadership/conversations", response=list[ConversationOut])
@paginate(Pages)
def list_conversations(request):
    staff_read(request)
    return Conversation.objects.order_by("due_on", "id")


@router.get("/leadership/conversations/{int:conversation_id}", response=ConversationOut)
def get_conversation(request, conversation_id: int = PathId):
    staff_read(request)
    return get_object_or_404(Conversation, pk=conversation_id)


@router.get("/leadership/plans/{int:year}", response=PlanOut)
def get_plan(request, year: int = YearPath):
    staff_read(request)
    return get_object_or_404(Plan.objects.prefetch_related("rocks"), year=year)


@router.post("/leadership/plans/{int:year}/rocks", response={201: RockOut})
def add_rock(request, payload: RockIn, year: int = YearPath):
    """Add a rock; a sixth in a quarter is refused (422)."""
    _lead(request)
    plan = services.plan_for(year, by=request.user)
    return Status(201, services.add_rock(plan=plan, quarter=payload.quarter, title=payload.title,
                                         owner=_staff(payload.owner_id, "owner_id"), by=request.user))


@router.patch("/leadership/rocks/{int:rock_id}", response=RockOut)
def update_rock(request, payload: RockPatch, rock_id: int = PathId):
    _lead(request)
    rock = get_object_or_404(Rock, pk=rock_id)
    return services.update_rock(rock, by=request.user, **payload.dict(exclude_unset=True))


@router.get("/leadership/readiness", response=list[EvidenceOut])
def readiness(request):
    """The evidence the readiness statements e1-e4 are pre-filled from."""
    staff_read(request)
    return [{"statement": code, "answer": answer, "evidence": evidence}
            for code, (answer, evidence) in sorted(selectors.readiness_evidence(timezone.localdate()).items())]
