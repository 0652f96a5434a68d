"""REST endpoints for SLA plans with their per-priority targets."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate

from bspos.core.api import MAX_ID, MAX_INT, Id, Pages, existing, save_validated, staff_read, staff_write, text
from bspos.core.permissions import Can
from bspos.sla.models import BusinessCalendar, Priority, SlaPlan, SlaTarget

router = Router(tags=["sla plans"])
PathId = Path(..., ge=1, le=MAX_ID)


class TargetSchema(Schema):
    priority: Priority
    first_response_minutes: int = Field(..., ge=1, le=MAX_INT)
    resolution_minutes: int = Field(..., ge=1, le=MAX_INT)


class SlaPlanOut(Schema):
    id: int
    name: str
    calendar_id: int
    at_risk_percent: int
    targets: list[TargetSchema]

    @staticmethod
    def resolve_targets(plan: SlaPlan) -> list[SlaTarget]:
        return list(plan.targets.all())


class SlaPlanIn(Schema):
    name: text(100, min_length=1)
    calendar_id: Id
    at_risk_percent: int = Field(75, ge=1, le=99)
    targets: list[TargetSchema] = []


class SlaPlanPatch(Schema):
    name: text(100, min_length=1) | None = None
    calendar_id: Id | None = None
    at_risk_percent: int | None = Field(None, ge=1, le=99)
    targets: list[TargetSchema] | None = None


@transaction.atomic
def _save(plan: SlaPlan, data: dict) -> SlaPlan:
    targets = data.pop("targets", None)
    if "calendar_id" in data:
        data["calendar"] = existing(BusinessCalendar, data.pop("calendar_id"), "calendar_id")
    save_validated(plan, data)
    if targets is not None:
        priorities = [t["priority"] for t in targets]
        if len(priorities) != len(set(priorities)):
            raise ValidationError({"targets": "Give each priority at most one target."})
        plan.targets.all().delete()
        for target in targets:
            save_validated(SlaTarget(plan=plan), target)
    return plan


@router.get("/sla-plans", response=list[SlaPlanOut])
@paginate(Pages)
def list_sla_plans(request):
    staff_read(request)
    return SlaPlan.objects.prefetch_related("targets").order_by("name")


@router.post("/sla-plans", response={201: SlaPlanOut})
def create_sla_plan(request, payload: SlaPlanIn):
    staff_write(request, Can.AGREEMENTS_WRITE)
    return Status(201, _save(SlaPlan(), payload.dict()))


@router.get("/sla-plans/{plan_id}", response=SlaPlanOut)
def get_sla_plan(request, plan_id: int = PathId):
    staff_read(request)
    return get_object_or_404(SlaPlan.objects.prefetch_related("targets"), pk=plan_id)


@router.patch("/sla-plans/{plan_id}", response=SlaPlanOut)
def update_sla_plan(request, payload: SlaPlanPatch, plan_id: int = PathId):
    staff_write(request, Can.AGREEMENTS_WRITE)
    return _save(get_object_or_404(SlaPlan, pk=plan_id), payload.dict(exclude_unset=True))


@router.delete("/sla-plans/{plan_id}", response={204: None})
def delete_sla_plan(request, plan_id: int = PathId):
    staff_write(request, Can.DELETE)
    get_object_or_404(SlaPlan, pk=plan_id).delete()
    return Status(204, None)
