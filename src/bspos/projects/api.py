"""REST endpoints of the projects app: projects with their roll-ups (blank or from a template), phases, tasks and
milestones; the same writes as the pages, through projects.services. Time on a task is logged with
`POST /time-entries` (`task_id`), the desk's endpoint."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from bspos.agreements.models import Agreement
from bspos.clients.models import Client
from bspos.core.api import MAX_ID, Id, Pages, existing, money, staff_read, staff_write, text
from bspos.core.filters import api_filter, query_schema
from bspos.core.permissions import Can
from bspos.people.models import User
from bspos.projects import selectors, services
from bspos.projects.filters import ProjectFilter
from bspos.projects.forms import PRICE_FIELDS
from bspos.projects.models import (
    BillingTerms,
    Health,
    Milestone,
    Phase,
    Project,
    ProjectStatus,
    ProjectTemplate,
    Task,
    TaskStatus,
)

router = Router(tags=["projects"])
ProjectQuery = query_schema(ProjectFilter)
PathId = Path(..., ge=1, le=MAX_ID)
Hours = Annotated[Decimal, Field(ge=0, max_digits=9, decimal_places=2)]


class ProjectOut(Schema):
    id: int
    reference: str
    client_id: int
    name: str
    description: str
    status: ProjectStatus
    manager_id: int | None
    start_date: date
    due_date: date | None
    completed_on: date | None
    budget_hours: Decimal | None
    budget_amount: Decimal | None
    billing: BillingTerms
    agreement_id: int | None
    hourly_rate: Decimal
    template_id: int | None
    logged_hours: Decimal = Field(description="Time logged on the project's tasks.")
    estimate_hours: Decimal
    forecast_hours: Decimal = Field(description="Logged + what the open tasks still need (at completion).")
    logged_amount: Decimal = Field(description="The logged time at the bill rates copied onto each entry.")
    forecast_amount: Decimal | None
    health: Health
    over_budget: bool
    late: bool

    @staticmethod
    def resolve_logged_hours(project) -> Decimal:
        return selectors.project_figures(project)["logged_hours"]

    @staticmethod
    def resolve_estimate_hours(project) -> Decimal:
        return selectors.project_figures(project)["estimate_hours"]

    @staticmethod
    def resolve_forecast_hours(project) -> Decimal:
        return selectors.project_figures(project)["forecast_hours"]

    @staticmethod
    def resolve_logged_amount(project) -> Decimal:
        return round(Decimal(project.logged_amount), 2)

    @staticmethod
    def resolve_forecast_amount(project) -> Decimal | None:
        return round(Decimal(project.forecast_amount), 2) if project.forecast_amount is not None else None

    @staticmethod
    def resolve_late(project) -> bool:
        return project.is_late


class ProjectIn(Schema):
    client_id: Id
    name: text(200, min_length=1)
    template_id: Id | None = Field(None, description="Create the template's phases, tasks and milestones.")
    description: text(20000) = ""
    manager_id: Id | None = None
    start_date: date | None = None
    due_date: date | None = None
    budget_hours: Hours | None = None
    budget_amount: money(12) | None = None
    billing: BillingTerms | None = None
    agreement_id: Id | None = None
    hourly_rate: money(8) | None = None


class ProjectPatch(Schema):
    name: text(200, min_length=1) | None = None
    description: text(20000) | None = None
    status: ProjectStatus | None = None
    manager_id: Id | None = None
    start_date: date | None = None
    due_date: date | None = None
    budget_hours: Hours | None = None
    budget_amount: money(12) | None = None
    billing: BillingTerms | None = None
    agreement_id: Id | None = None
    hourly_rate: money(8) | None = None


class ProjectTaskOut(Schema):
    id: int
    project_id: int
    phase_id: int | None
    name: str
    description: str
    assignee_id: int | None
    estimate_hours: Decimal
    due_on: date | None
    status: TaskStatus
    depends_on: list[int]
    logged_minutes: int

    @staticmethod
    def resolve_depends_on(task) -> list[int]:
        return [other.pk for other in task.depends_on.all()]


class ProjectTaskIn(Schema):
    name: text(200, min_length=1)
    phase_id: Id | None = None
    description: text(20000) = ""
    assignee_id: Id | None = None
    estimate_hours: Hours = Decimal(0)
    due_on: date | None = None
    status: TaskStatus = TaskStatus.TODO
    depends_on: list[Id] = Field(default_factory=list, max_length=100)


class ProjectTaskPatch(Schema):
    name: text(200, min_length=1) | None = None
    phase_id: Id | None = None
    description: text(20000) | None = None
    assignee_id: Id | None = None
    estimate_hours: Hours | None = None
    due_on: date | None = None
    status: TaskStatus | None = None
    depends_on: list[Id] | None = Field(None, max_length=100)


class ProjectPhaseOut(Schema):
    id: int
    project_id: int
    name: str
    position: int


class ProjectPhaseIn(Schema):
    name: text(200, min_length=1)


class ProjectMilestoneOut(Schema):
    id: int
    project_id: int
    name: str
    due_on: date | None
    amount: Decimal
    completed_on: date | None


class ProjectMilestoneIn(Schema):
    name: text(200, min_length=1)
    due_on: date | None = None
    amount: money(12) = Decimal(0)


class MilestoneReachedIn(Schema):
    on: date | None = Field(None, description="The day it was reached; today when left out.")


class ProjectTemplateOut(Schema):
    id: int
    name: str
    description: str
    billing: BillingTerms
    structure: dict


def _projects(request):
    return selectors.projects_with_rollups(Project.objects.visible_to(request.user))


def _project(request, project_id: int) -> Project:
    return get_object_or_404(_projects(request), pk=project_id)


def _task(request, task_id: int) -> Task:
    return get_object_or_404(Task.objects.visible_to(request.user).with_logged().select_related("project")
                             .prefetch_related("depends_on"), pk=task_id)


def _check_prices(request, data: dict) -> None:
    if set(data) & set(PRICE_FIELDS) and not services.sets_prices(request.user):
        raise PermissionDenied("Budgets and billing terms are set by agreements.write or finance.")


def _references(data: dict, client_id: int) -> dict:
    if "manager_id" in data:
        data["manager"] = existing(User, data.pop("manager_id"), "manager_id")
    if "agreement_id" in data:
        data["agreement"] = existing(Agreement, data.pop("agreement_id"), "agreement_id",
                                     Agreement.objects.filter(client_id=client_id))
    return data


@router.get("/projects", response=list[ProjectOut])
@paginate(Pages)
def list_projects(request, filters: Query[ProjectQuery]):
    """Projects with their roll-ups and health; open ones unless `status` says otherwise (blank: every status)."""
    staff_read(request)
    return api_filter(ProjectFilter, request, _projects(request))


@router.post("/projects", response={201: ProjectOut})
def create_project(request, payload: ProjectIn):
    staff_write(request, Can.DESK_WRITE)
    data = payload.dict(exclude_unset=True)
    client = existing(Client, data.pop("client_id"), "client_id")
    template = existing(ProjectTemplate, data.pop("template_id", None), "template_id")
    _check_prices(request, data)
    project = services.create_project(by=request.user, client=client, template=template,
                                      **_references(data, client.pk))
    return Status(201, _project(request, project.pk))


@router.get("/projects/{int:project_id}", response=ProjectOut)
def get_project(request, project_id: int = PathId):
    staff_read(request)
    return _project(request, project_id)


@router.patch("/projects/{int:project_id}", response=ProjectOut)
def update_project(request, payload: ProjectPatch, project_id: int = PathId):
    staff_write(request, Can.DESK_WRITE)
    project = _project(request, project_id)
    data = payload.dict(exclude_unset=True)
    _check_prices(request, data)
    for name in ("name", "status", "start_date", "billing", "hourly_rate"):
        if name in data and data[name] is None:
            data.pop(name)
    services.update_project(Project.objects.get(pk=project.pk), by=request.user,
                            **_references(data, project.client_id))
    return _project(request, project_id)


@router.delete("/projects/{int:project_id}", response={204: None})
def delete_project(request, project_id: int = PathId):
    """Only a project entered by mistake: refused with 422 once time is logged on it (cancel it instead)."""
    staff_write(request, Can.DESK_WRITE)
    services.delete_project(_project(request, project_id), by=request.user)
    return Status(204, None)


@router.get("/projects/{int:project_id}/phases", response=list[ProjectPhaseOut])
def list_phases(request, project_id: int = PathId):
    staff_read(request)
    return list(_project(request, project_id).phases.all())


@router.post("/projects/{int:project_id}/phases", response={201: ProjectPhaseOut})
def add_phase(request, payload: ProjectPhaseIn, project_id: int = PathId):
    staff_write(request, Can.DESK_WRITE)
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=project_id)
    return Status(201, services.add_phase(project, by=request.user, name=payload.name))


@router.get("/projects/{int:project_id}/tasks", response=list[ProjectTaskOut])
@paginate(Pages)
def list_tasks(request, project_id: int = PathId):
    staff_read(request)
    project = _project(request, project_id)
    return (Task.objects.filter(project=project).with_logged().prefetch_related("depends_on")
            .order_by("phase__position", "position", "pk"))


def _task_data(project: Project, data: dict) -> dict:
    if "phase_id" in data:
        data["phase"] = existing(Phase, data.pop("phase_id"), "phase_id", project.phases.all())
    if "assignee_id" in data:
        data["assignee"] = existing(User, data.pop("assignee_id"), "assignee_id")
    if data.get("depends_on") is not None:
        ids = data.pop("depends_on")
        found = list(project.tasks.filter(pk__in=ids))
        missing = sorted(set(ids) - {task.pk for task in found})
        if missing:
            raise ValidationError({"depends_on": f"No task {', '.join(map(str, missing))} in this project."})
        data["depends_on"] = found
    else:
        data.pop("depends_on", None)
    return data


@router.post("/projects/{int:project_id}/tasks", response={201: ProjectTaskOut})
def add_task(request, payload: ProjectTaskIn, project_id: int = PathId):
    staff_write(request, Can.DESK_WRITE)
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=project_id)
    data = _task_data(project, payload.dict())
    task = services.add_task(project, by=request.user, **data)
    return Status(201, _task(request, task.pk))


@router.get("/project-tasks/{int:task_id}", response=ProjectTaskOut)
def get_task(request, task_id: int = PathId):
    staff_read(request)
    return _task(request, task_id)


@router.patch("/project-tasks/{int:task_id}", response=ProjectTaskOut)
def update_task(request, payload: ProjectTaskPatch, task_id: int = PathId):
    """A task is done only once every task it depends on is done (422 otherwise)."""
    staff_write(request, Can.DESK_WRITE)
    task = get_object_or_404(Task.objects.visible_to(request.user).select_related("project"), pk=task_id)
    data = payload.dict(exclude_unset=True)
    for name in ("name", "estimate_hours", "status", "description"):
        if name in data and data[name] is None:
            data.pop(name)
    data = _task_data(task.project, data)
    services.update_task(task, by=request.user, **data)
    return _task(request, task_id)


@router.delete("/project-tasks/{int:task_id}", response={204: None})
def delete_task(request, task_id: int = PathId):
    """Refused with 422 once time is logged on the task."""
    staff_write(request, Can.DESK_WRITE)
    services.delete_task(get_object_or_404(Task.objects.visible_to(request.user), pk=task_id), by=request.user)
    return Status(204, None)


@router.get("/projects/{int:project_id}/milestones", response=list[ProjectMilestoneOut])
def list_milestones(request, project_id: int = PathId):
    staff_read(request)
    return list(_project(request, project_id).milestones.all())


@router.post("/projects/{int:project_id}/milestones", response={201: ProjectMilestoneOut})
def add_milestone(request, payload: ProjectMilestoneIn, project_id: int = PathId):
    staff_write(request, Can.DESK_WRITE)
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=project_id)
    _check_prices(request, {"budget_amount": payload.amount} if payload.amount else {})
    return Status(201, services.add_milestone(project, by=request.user, **payload.dict()))


@router.post("/milestones/{int:milestone_id}/reached", response=ProjectMilestoneOut)
def milestone_reached(request, payload: MilestoneReachedIn, milestone_id: int = PathId):
    """Under fixed-fee terms the billing run of that month bills the milestone's amount."""
    staff_write(request, Can.DESK_WRITE)
    milestone = get_object_or_404(Milestone.objects.visible_to(request.user), pk=milestone_id)
    return services.complete_milestone(milestone, by=request.user, on=payload.on)


@router.get("/project-templates", response=list[ProjectTemplateOut])
def list_templates(request):
    staff_read(request)
    return list(ProjectTemplate.objects.filter(is_active=True))
