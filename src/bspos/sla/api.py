"""REST endpoints for SLA plans with their per-priority targets and escalation rules (writes: sla.services)."""

from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate

from bspos.core.api import MAX_ID, MAX_INT, Id, Pages, existing, staff_read, staff_write, text
from bspos.core.permissions import Can
from bspos.people.models import User
from bspos.sla import services
from bspos.sla.models import BusinessCalendar, Clock, EscalationRule, Priority, RaisePriority, SlaPlan

router = Router(tags=["sla plans"])
PathId = Path(..., ge=1, le=MAX_ID)
Days = Field(None, ge=1, le=60)


class TargetSchema(Schema):
    priority: Priority
    first_response_minutes: int = Field(..., ge=1, le=MAX_INT)
    resolution_minutes: int = Field(..., ge=1, le=MAX_INT)


class SlaPlanOut(Schema):
    id: int
    name: str
    calendar_id: int
    at_risk_percent: int
    remind_after_days: int | None
    resolve_after_days: int | None
    targets: list[TargetSchema]

    @staticmethod
    def resolve_targets(plan: SlaPlan) -> list:
        return list(plan.targets.all())


class SlaPlanIn(Schema):
    name: text(100, min_length=1)
    calendar_id: Id
    at_risk_percent: int = Field(75, ge=1, le=99)
    remind_after_days: int | None = Days
    resolve_after_days: int | None = Days
    targets: list[TargetSchema] = []


class SlaPlanPatch(Schema):
    name: text(100, min_length=1) | None = None
    calendar_id: Id | None = None
    at_risk_percent: int | None = Field(None, ge=1, le=99)
    remind_after_days: int | None = Days
    resolve_after_days: int | None = Days
    targets: list[TargetSchema] | None = None


class RuleOut(Schema):
    id: int
    plan_id: int
    target: Clock
    percent: int
    notify_assignee: bool
    notify_managers: bool
    notify_user_id: int | None
    reassign_to_id: int | None
    raise_priority: RaisePriority


class RuleIn(Schema):
    target: Clock = Clock.RESOLUTION
    percent: int = Field(..., ge=1, le=100)
    notify_assignee: bool = False
    notify_managers: bool = False
    notify_user_id: Id | None = None
    reassign_to_id: Id | None = None
    raise_priority: RaisePriority = RaisePriority.NO


class RulePatch(Schema):
    target: Clock | None = None
    percent: int | None = Field(None, ge=1, le=100)
    notify_assignee: bool | None = None
    notify_managers: bool | None = None
    notify_user_id: Id | None = None
    reassign_to_id: Id | None = None
    raise_priority: RaisePriority | None = None


def _plan_fields(data: dict) -> dict:
    if "calendar_id" in data:
        data["calendar"] = existing(BusinessCalendar, data.pop("calendar_id"), "calendar_id")
    if data.get("targets") is not None:
        data["targets"] = [dict(target) for target in data["targets"]]
    return data


def _rule_fields(data: dict) -> dict:
    for field in ("notify_user", "reassign_to"):
        if f"{field}_id" in data:
            data[field] = existing(User, data.pop(f"{field}_id"), f"{field}_id")
    if data.get("raise_priority") is None:
        data.pop("raise_priority", None)
    return {name: value for name, value in data.items() if value is not None or name in ("notify_user",
                                                                                          "reassign_to")}


@router.get("/sla-plans", response=list[SlaPlanOut])
@paginate(Pages)
def list_sla_plans(request):
    staff_read(request)
    return SlaPlan.objects.prefetch_related("targets").order_by("name")


@router.post("/sla-plans", response={201: SlaPlanOut})
def create_sla_plan(request, payload: SlaPlanIn):
    staff_write(request, Can.AGREEMENTS_WRITE)
    return Status(201, services.create_plan(by=request.user, **_plan_fields(payload.dict())))


@router.get("/sla-plans/{plan_id}", response=SlaPlanOut)
def get_sla_plan(request, plan_id: int = PathId):
    staff_read(request)
    return get_object_or_404(SlaPlan.objects.prefetch_related("targets"), pk=plan_id)


@router.patch("/sla-plans/{plan_id}", response=SlaPlanOut)
def update_sla_plan(request, payload: SlaPlanPatch, plan_id: int = PathId):
    staff_write(request, Can.AGREEMENTS_WRITE)
    plan = get_object_or_404(SlaPlan, pk=plan_id)
    data = payload.dict(exclude_unset=True)
    for required in ("name", "calendar_id", "at_risk_percent"):
        if required in data and data[required] is None:
            data.pop(required)
    return services.update_plan(plan, by=request.user, **_plan_fields(data))


@router.delete("/sla-plans/{plan_id}", response={204: None})
def delete_sla_plan(request, plan_id: int = PathId):
    staff_write(request, Can.DELETE)
    services.delete_plan(get_object_or_404(SlaPlan, pk=plan_id), by=request.user)
    return Status(204, None)


@router.get("/sla-plans/{plan_id}/rules", response=list[RuleOut])
@paginate(Pages)
def list_rules(request, plan_id: int = PathId):
    staff_read(request)
    return get_object_or_404(SlaPlan, pk=plan_id).escalation_rules.all()


@router.post("/sla-plans/{plan_id}/rules", response={201: RuleOut})
def create_rule(request, payload: RuleIn, plan_id: int = PathId):
    staff_write(request, Can.AGREEMENTS_WRITE)
    plan = get_object_or_404(SlaPlan, pk=plan_id)
    return Status(201, services.create_rule(plan=plan, by=request.user, **_rule_fields(payload.dict())))


def _rule(plan_id: int, rule_id: int) -> EscalationRule:
    return get_object_or_404(EscalationRule, pk=rule_id, plan_id=plan_id)


@router.get("/sla-plans/{plan_id}/rules/{rule_id}", response=RuleOut)
def get_rule(request, plan_id: int = PathId, rule_id: int = PathId):
    staff_read(request)
    return _rule(plan_id, rule_id)


@router.patch("/sla-plans/{plan_id}/rules/{rule_id}", response=RuleOut)
def update_rule(request, payload: RulePatch, plan_id: int = PathId, rule_id: int = PathId):
    staff_write(request, Can.AGREEMENTS_WRITE)
    rule = _rule(plan_id, rule_id)
    return services.update_rule(rule, by=request.user, **_rule_fields(payload.dict(exclude_unset=True)))


@router.delete("/sla-plans/{plan_id}/rules/{rule_id}", response={204: None})
def delete_rule(request, plan_id: int = PathId, rule_id: int = PathId):
    staff_write(request, Can.AGREEMENTS_WRITE)
    services.delete_rule(_rule(plan_id, rule_id), by=request.user)
    return Status(204, None)
