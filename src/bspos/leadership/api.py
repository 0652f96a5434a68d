"""REST endpoints for the leadership tools: the Hats Chart with its metrics, meetings, issues, decisions, to-dos,
one-on-ones and reviews, and the 365 plan with its rocks. Staff read; the owner and the leadership team write;
a client contact meets 404 everywhere."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Path, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from bspos.core.api import MAX_ID, Id, Moment, Pages, existing, require_write, staff_read, text
from bspos.core.permissions import Can
from bspos.leadership import selectors, services
from bspos.leadership.models import (
    Conversation,
    Decision,
    Direction,
    Goal,
    Hat,
    Issue,
    LiveFigure,
    Meeting,
    Metric,
    Plan,
    Rock,
    Todo,
)
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


Live = LiveFigure | Literal[""]
Target = Annotated[Decimal, Field(ge=-(10**9), le=10**9, max_digits=12, decimal_places=2)]


class HatIn(Schema):
    name: text(100, min_length=1)
    owner_id: Id | None = None
    responsibilities: text(5000) = ""
    position: int = Field(0, ge=0, le=1000)


class HatPatch(Schema):
    name: text(100, min_length=1) | None = None
    owner_id: Id | None = None
    responsibilities: text(5000) | None = None
    position: int | None = Field(None, ge=0, le=1000)


class MetricIn(Schema):
    name: text(120, min_length=1)
    live: Live = ""
    target: Target
    direction: Direction = Direction.HIGHER


class MetricPatch(Schema):
    name: text(120, min_length=1) | None = None
    live: Live | None = None
    target: Target | None = None
    direction: Direction | None = None


class EntryIn(Schema):
    week: date = Field(..., ge=date(2000, 1, 3), le=date(2100, 12, 31),
                       description="Any day of the week; stored for its Monday.")
    value: Target


class EntryOut(Schema):
    metric_id: int
    week: date
    value: Decimal


class CellOut(Schema):
    week: date
    value: Decimal | None
    on_target: bool | None


class ScorecardRowOut(Schema):
    hat_id: int
    metric_id: int
    name: str
    live: str
    target: Decimal
    direction: str
    weeks: list[CellOut]


class MeetingIn(Schema):
    scheduled_at: Moment
    agenda: list[tuple[text(100, min_length=1), Annotated[int, Field(ge=1, le=90)]]] | None = Field(
        None, max_length=20, description="[[section, minutes], …] adding up to 90; the default agenda when omitted.")


class StartIn(Schema):
    attendee_ids: list[Id] = Field(default_factory=list, max_length=100)


class ConcludeIn(Schema):
    rating: int = Field(..., ge=1, le=10)


GoalText = text(200, min_length=1)  # a field named `text` would shadow the helper in the class body


class GoalIn(Schema):
    text: GoalText
    live: Live = ""
    target: Target | None = None
    direction: Direction = Direction.HIGHER


class GoalPatch(Schema):
    text: GoalText | None = None
    live: Live | None = None
    target: Target | None = None
    direction: Direction | None = None


class GoalOut(Schema):
    id: int
    text: str
    live: str
    target: Decimal | None
    direction: str


class VisionIn(Schema):
    vision: text(5000)


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
    owner_id: Id | None = None
    on_track: bool | None = None
    done: bool | None = None


class PlanOut(Schema):
    year: int
    vision: str
    goals: list[GoalOut]
    rocks: list[RockOut]

    @staticmethod
    def resolve_goals(plan: Plan) -> list:
        return list(plan.goals.all())

    @staticmethod
    def resolve_rocks(plan: Plan) -> list:
        return list(plan.rocks.all())


class ConversationPatch(Schema):
    held_on: date | None = Field(None, description="The day it was held: marks it held.")
    person_working: text(5000) | None = None
    person_not_working: text(5000) | None = None
    person_values: text(5000) | None = None
    manager_working: text(5000) | None = None
    manager_not_working: text(5000) | None = None
    manager_values: text(5000) | None = None


@router.get("/leadership/hats", response=list[HatOut])
def list_hats(request):
    staff_read(request)
    return list(Hat.objects.prefetch_related("metrics"))


@router.get("/leadership/hats/{int:hat_id}", response=HatOut)
def get_hat(request, hat_id: int = PathId):
    staff_read(request)
    return get_object_or_404(Hat, pk=hat_id)


def _hat_fields(payload) -> dict:
    fields = payload.dict(exclude_unset=True)
    if "owner_id" in fields:
        fields["owner"] = _staff(fields.pop("owner_id"), "owner_id") if fields["owner_id"] else None
    return fields


@router.post("/leadership/hats", response={201: HatOut})
def create_hat(request, payload: HatIn):
    _lead(request)
    return Status(201, services.save_hat(by=request.user, **_hat_fields(payload)))


@router.patch("/leadership/hats/{int:hat_id}", response=HatOut)
def update_hat(request, payload: HatPatch, hat_id: int = PathId):
    _lead(request)
    return services.save_hat(get_object_or_404(Hat, pk=hat_id), by=request.user, **_hat_fields(payload))


@router.delete("/leadership/hats/{int:hat_id}", response={204: None})
def delete_hat(request, hat_id: int = PathId):
    """Delete a hat with its success metrics (the history keeps them)."""
    _lead(request)
    services.delete_hat(get_object_or_404(Hat, pk=hat_id), by=request.user)
    return Status(204, None)


@router.post("/leadership/hats/{int:hat_id}/metrics", response={201: MetricOut})
def add_metric(request, payload: MetricIn, hat_id: int = PathId):
    _lead(request)
    return Status(201, services.add_metric(hat=get_object_or_404(Hat, pk=hat_id), by=request.user,
                                           **payload.dict()))


@router.patch("/leadership/metrics/{int:metric_id}", response=MetricOut)
def update_metric(request, payload: MetricPatch, metric_id: int = PathId):
    _lead(request)
    return services.update_metric(get_object_or_404(Metric, pk=metric_id), by=request.user,
                                  **payload.dict(exclude_unset=True))


@router.delete("/leadership/metrics/{int:metric_id}", response={204: None})
def delete_metric(request, metric_id: int = PathId):
    _lead(request)
    services.delete_metric(get_object_or_404(Metric, pk=metric_id), by=request.user)
    return Status(204, None)


@router.post("/leadership/metrics/{int:metric_id}/entries", response=EntryOut)
def enter_metric(request, payload: EntryIn, metric_id: int = PathId):
    """The number for one week (a live metric refuses with 422)."""
    _lead(request)
    return services.enter_metric(metric=get_object_or_404(Metric, pk=metric_id), week=payload.week,
                                 value=payload.value, by=request.user)


@router.get("/leadership/scorecard", response=list[ScorecardRowOut])
def weekly_scorecard(request):
    """Every hat's metrics by week over the last 13 weeks, on or off target (as on the weekly scorecard page)."""
    staff_read(request)
    card = selectors.weekly_scorecard(timezone.localdate())
    return [{"hat_id": row["hat"].pk, "metric_id": row["metric"].pk, "name": row["metric"].name,
             "live": row["metric"].live, "target": row["metric"].target, "direction": row["metric"].direction,
             "weeks": row["cells"]} for row in card["rows"]]


@router.get("/leadership/meetings", response=list[MeetingOut])
@paginate(Pages)
def list_meetings(request):
    staff_read(request)
    return Meeting.objects.prefetch_related("attendees").order_by("-scheduled_at", "-id")


@router.get("/leadership/meetings/{int:meeting_id}", response=MeetingOut)
def get_meeting(request, meeting_id: int = PathId):
    staff_read(request)
    return get_object_or_404(Meeting, pk=meeting_id)


@router.post("/leadership/meetings", response={201: MeetingOut})
def schedule_meeting(request, payload: MeetingIn):
    """Schedule a meeting; the agenda (default: the 90-minute one) must add up to 90 minutes (422 otherwise)."""
    _lead(request)
    agenda = [list(section) for section in payload.agenda] if payload.agenda is not None else None
    return Status(201, services.schedule_meeting(scheduled_at=payload.scheduled_at, agenda=agenda, by=request.user))


@router.post("/leadership/meetings/{int:meeting_id}/start", response=MeetingOut)
def start_meeting(request, payload: StartIn, meeting_id: int = PathId):
    _lead(request)
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    return services.start_meeting(meeting, attendees=[_staff(pk, "attendee_ids") for pk in payload.attendee_ids],
                                  by=request.user)


@router.post("/leadership/meetings/{int:meeting_id}/conclude", response=MeetingOut)
def conclude_meeting(request, payload: ConcludeIn, meeting_id: int = PathId):
    _lead(request)
    return services.finish_meeting(get_object_or_404(Meeting, pk=meeting_id), rating=payload.rating,
                                   by=request.user)


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


@router.patch("/leadership/conversations/{int:conversation_id}", response=ConversationOut)
def update_conversation(request, payload: ConversationPatch, conversation_id: int = PathId):
    """Prepared answers (the person writes their own side only); a held_on date from a lead marks it held."""
    staff_read(request)
    require_write(request, Can.DESK_READ)
    item = get_object_or_404(Conversation, pk=conversation_id)
    answers = payload.dict(exclude_unset=True)
    held_on = answers.pop("held_on", None)
    if not services.can_lead(request.user):
        if request.user.pk != item.person_id:
            services.require_lead(request.user)
        answers = {k: v for k, v in answers.items() if k.startswith("person_")}
        held_on = None
    if held_on:
        return services.hold_conversation(item, held_on=held_on, by=request.user, **answers)
    return services.prepare_conversation(item, by=request.user, **answers)


@router.get("/leadership/plans/{int:year}", response=PlanOut)
def get_plan(request, year: int = YearPath):
    staff_read(request)
    return get_object_or_404(Plan.objects.prefetch_related("goals", "rocks"), year=year)


@router.post("/leadership/plans/{int:year}/rocks", response={201: RockOut})
def add_rock(request, payload: RockIn, year: int = YearPath):
    """Add a rock; a sixth in a quarter is refused (422)."""
    _lead(request)
    plan = services.plan_for(year, by=request.user)
    return Status(201, services.add_rock(plan=plan, quarter=payload.quarter, title=payload.title,
                                         owner=_staff(payload.owner_id, "owner_id"), by=request.user))


@router.patch("/leadership/plans/{int:year}", response=PlanOut)
def update_plan(request, payload: VisionIn, year: int = YearPath):
    _lead(request)
    return services.save_vision(services.plan_for(year, by=request.user), vision=payload.vision, by=request.user)


@router.post("/leadership/plans/{int:year}/goals", response={201: GoalOut})
def add_goal(request, payload: GoalIn, year: int = YearPath):
    _lead(request)
    return Status(201, services.add_goal(plan=services.plan_for(year, by=request.user), by=request.user,
                                         **payload.dict()))


@router.patch("/leadership/goals/{int:goal_id}", response=GoalOut)
def update_goal(request, payload: GoalPatch, goal_id: int = PathId):
    _lead(request)
    return services.update_goal(get_object_or_404(Goal, pk=goal_id), by=request.user,
                                **payload.dict(exclude_unset=True))


@router.delete("/leadership/goals/{int:goal_id}", response={204: None})
def delete_goal(request, goal_id: int = PathId):
    _lead(request)
    services.delete_goal(get_object_or_404(Goal, pk=goal_id), by=request.user)
    return Status(204, None)


@router.patch("/leadership/rocks/{int:rock_id}", response=RockOut)
def update_rock(request, payload: RockPatch, rock_id: int = PathId):
    _lead(request)
    rock = get_object_or_404(Rock, pk=rock_id)
    fields = payload.dict(exclude_unset=True)
    if "owner_id" in fields:
        owner_id = fields.pop("owner_id")
        if owner_id is not None:
            fields["owner"] = _staff(owner_id, "owner_id")
    return services.update_rock(rock, by=request.user, **fields)


@router.delete("/leadership/rocks/{int:rock_id}", response={204: None})
def delete_rock(request, rock_id: int = PathId):
    _lead(request)
    services.delete_rock(get_object_or_404(Rock, pk=rock_id), by=request.user)
    return Status(204, None)


@router.get("/leadership/readiness", response=list[EvidenceOut])
def readiness(request):
    """The evidence the readiness statements e1-e4 are pre-filled from."""
    staff_read(request)
    return [{"statement": code, "answer": answer, "evidence": evidence}
            for code, (answer, evidence) in sorted(selectors.readiness_evidence(timezone.localdate()).items())]
