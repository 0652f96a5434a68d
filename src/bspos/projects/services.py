"""Writes of the projects app: projects (blank or from a template), phases, tasks and their dependencies,
milestones. Each validates, runs in a transaction and records the audit entry."""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bspos.audit.services import audited, delete_audited, record
from bspos.clients.models import Client
from bspos.core.money import cents
from bspos.core.permissions import Can, can
from bspos.core.services import next_numbers
from bspos.people.models import User
from bspos.projects.models import (
    BillingTerms,
    Milestone,
    Phase,
    Project,
    ProjectStatus,
    ProjectTemplate,
    Task,
    TaskStatus,
)

PROJECT_SEQUENCE = "project"
PROJECT_FIELDS = {"name", "description", "status", "manager", "start_date", "due_date", "budget_hours",
                  "budget_amount", "billing", "agreement", "hourly_rate"}
TASK_FIELDS = {"name", "description", "phase", "assignee", "estimate_hours", "due_on", "status", "position"}
MILESTONE_FIELDS = {"name", "due_on", "amount", "position"}
ISSUED = "issued"  # money's InvoiceStatus.ISSUED: money sits above this app and is read through `invoice_lines`


def sets_prices(user) -> bool:
    """Budgets and billing terms are prices: agreements.write or finance (docs/permissions.md)."""
    return can(user, Can.AGREEMENTS_WRITE) or can(user, Can.FINANCE)


def _unknown(fields: dict, allowed: set[str], what: str) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"These cannot be changed on a {what}: {', '.join(sorted(unknown))}.")


# --- templates --------------------------------------------------------------------------------------------------

def check_structure(structure: dict) -> None:
    """A template's structure is usable: phases with named tasks, estimates ≥ 0, dependencies on earlier tasks,
    milestone shares of a fixed fee adding up to at most 100%."""
    if not isinstance(structure, dict) or not isinstance(structure.get("phases", []), list):
        raise ValidationError({"structure": "The structure needs a list of phases."})
    names: set[str] = set()
    for phase in structure.get("phases", []):
        if not isinstance(phase, dict) or not str(phase.get("name", "")).strip():
            raise ValidationError({"structure": "Every phase needs a name."})
        for task in phase.get("tasks", []):
            if not isinstance(task, dict) or not str(task.get("name", "")).strip():
                raise ValidationError({"structure": f"Every task of “{phase['name']}” needs a name."})
            if Decimal(str(task.get("estimate_hours", 0))) < 0:
                raise ValidationError({"structure": f"“{task['name']}” has a negative estimate."})
            missing = [name for name in task.get("depends_on", []) if name not in names]
            if missing:
                raise ValidationError({"structure": f"“{task['name']}” depends on {', '.join(missing)}, which is "
                                                    "not an earlier task of the template."})
            names.add(task["name"])
    shares = sum(Decimal(str(m.get("share", 0))) for m in structure.get("milestones", []))
    if shares > 100:
        raise ValidationError({"structure": f"The milestones' shares add up to {shares}%, more than 100%."})


def _build(project: Project, structure: dict) -> None:
    """Create a template's phases, tasks (due dates counted from the project's start), dependencies and
    milestones (a fixed fee shared among them by their `share`)."""
    start = project.start_date
    tasks_by_name: dict[str, Task] = {}
    dependencies: list[tuple[Task, list[str]]] = []
    for phase_position, spec in enumerate(structure.get("phases", []), start=1):
        phase = Phase.objects.create(project=project, name=spec["name"][:200], position=phase_position)
        for position, task_spec in enumerate(spec.get("tasks", []), start=1):
            days = task_spec.get("due_after_days")
            task = Task.objects.create(
                project=project, phase=phase, name=task_spec["name"][:200], position=position,
                estimate_hours=Decimal(str(task_spec.get("estimate_hours", 0))),
                due_on=start + timedelta(days=int(days)) if days is not None else None)
            tasks_by_name[task.name] = task
            dependencies.append((task, task_spec.get("depends_on", [])))
    for task, names in dependencies:
        task.depends_on.set([tasks_by_name[name] for name in names if name in tasks_by_name])
    fee = project.budget_amount if project.billing == BillingTerms.FIXED_FEE and project.budget_amount else None
    for position, spec in enumerate(structure.get("milestones", []), start=1):
        days = spec.get("due_after_days")
        Milestone.objects.create(
            project=project, name=spec["name"][:200], position=position,
            due_on=start + timedelta(days=int(days)) if days is not None else None,
            amount=cents(fee * Decimal(str(spec.get("share", 0))) / 100) if fee else Decimal(0))


def template_hours(template: ProjectTemplate) -> Decimal:
    """The hours a template's tasks are estimated at (a new project's hours budget by default)."""
    return sum((Decimal(str(task.get("estimate_hours", 0))) for phase in template.structure.get("phases", [])
                for task in phase.get("tasks", [])), Decimal(0))


# --- projects ---------------------------------------------------------------------------------------------------

@transaction.atomic
def create_project(*, client: Client, name: str, by: User | None, template: ProjectTemplate | None = None,
                   origin: str | None = None, origin_label: str = "", origin_url: str = "", **fields) -> Project:
    """A project for a client, blank or with the whole structure of a template (phases, tasks with due dates and
    dependencies, milestones). From a template the hours budget defaults to the tasks' estimates and the billing
    terms to the template's."""
    _unknown(fields, PROJECT_FIELDS - {"name"}, "project")
    if template is not None:
        check_structure(template.structure)
        fields.setdefault("billing", template.billing)
        if fields.get("budget_hours") is None:
            fields["budget_hours"] = template_hours(template)
    given = {k: v for k, v in fields.items() if v is not None or k in {"due_date", "manager", "agreement"}}
    project = Project(client=client, name=(name or "").strip(), template=template, origin=origin,
                      origin_label=origin_label[:300], origin_url=origin_url[:300], **given)
    if not project.name:
        raise ValidationError({"name": "Give the project a name."})
    project.number = 0  # placeholder so validation passes; the real number is taken last
    project.full_clean(exclude=["number"])
    project.number = next_numbers(PROJECT_SEQUENCE)[0]
    project.save()
    if template is not None:
        _build(project, template.structure)
    record(by, project, None)
    return project


def project_from(*, origin: str, origin_label: str, client: Client, name: str, by: User | None,
                 origin_url: str = "", description: str = "",
                 template: ProjectTemplate | None = None) -> tuple[Project, bool]:
    """One click turns an accepted roadmap item or recommendation into a project; a second click finds the
    project the first made (the origin is unique). `origin_url` is the page the project links back to.
    Returns the project and whether it was created now."""
    existing = Project.objects.filter(origin=origin).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return create_project(client=client, name=name[:200], by=by, template=template, origin=origin,
                                  origin_label=origin_label, origin_url=origin_url, description=description), True
    except IntegrityError:  # a concurrent click made it first
        return Project.objects.get(origin=origin), False


@transaction.atomic
def update_project(project: Project, *, by: User | None, **fields) -> Project:
    """Change a project's details, status, budget or billing terms; completing it records the day."""
    _unknown(fields, PROJECT_FIELDS, "project")
    if "name" in fields and not (fields["name"] or "").strip():
        raise ValidationError({"name": "Give the project a name."})
    with audited(project, by):
        for name, value in fields.items():
            setattr(project, name, value)
        if project.status == ProjectStatus.COMPLETED and project.completed_on is None:
            project.completed_on = timezone.localdate()
        elif project.status != ProjectStatus.COMPLETED:
            project.completed_on = None
        project.full_clean()
        project.save()
    return project


@transaction.atomic
def delete_project(project: Project, *, by: User | None) -> None:
    """Delete a project entered by mistake; refused once time is logged on it or a milestone is billed."""
    if project.tasks.filter(time_entries__isnull=False).exists():
        raise ValidationError("Time is logged on this project's tasks; cancel the project instead of deleting it.")
    if Milestone.objects.filter(project=project, invoice_lines__isnull=False).exists():
        raise ValidationError("A milestone of this project is on an invoice; cancel the project instead.")
    delete_audited(project, by)


# --- phases -----------------------------------------------------------------------------------------------------

@transaction.atomic
def add_phase(project: Project, *, name: str, by: User | None) -> Phase:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the phase a name."})
    last = project.phases.order_by("-position").values_list("position", flat=True).first() or 0
    phase = Phase.objects.create(project=project, name=name[:200], position=last + 1)
    record(by, phase, None)
    return phase


@transaction.atomic
def delete_phase(phase: Phase, *, by: User | None) -> None:
    """Remove a phase; its tasks stay in the project, outside any phase."""
    delete_audited(phase, by)


# --- tasks ------------------------------------------------------------------------------------------------------

def _check_dependencies(task: Task, depends_on: Iterable[Task]) -> list[Task]:
    chosen = list(depends_on)
    for other in chosen:
        if other.project_id != task.project_id:
            raise ValidationError({"depends_on": f"“{other.name}” is a task of another project."})
        if other.pk == task.pk:
            raise ValidationError({"depends_on": "A task cannot depend on itself."})
    # A dependency that (through others) depends on this task would make a cycle nobody can finish.
    seen, frontier = set(), {t.pk for t in chosen}
    while frontier:
        if task.pk in frontier:
            raise ValidationError({"depends_on": "That dependency would make a circle: a task would wait on itself."})
        seen |= frontier
        frontier = set(Task.depends_on.through.objects.filter(from_task_id__in=frontier)
                       .values_list("to_task_id", flat=True)) - seen
    return chosen


def _check_done(task: Task) -> None:
    waiting = list(task.depends_on.exclude(status=TaskStatus.DONE).values_list("name", flat=True))
    if waiting:
        raise ValidationError({"status": f"“{task.name}” waits on {', '.join(waiting)}: finish that first."})


@transaction.atomic
def add_task(project: Project, *, name: str, by: User | None, depends_on: Iterable[Task] = (), **fields) -> Task:
    """A task of a project (in one of its phases or none): assignee, estimate in hours, due date, dependencies."""
    _unknown(fields, TASK_FIELDS - {"name"}, "task")
    last = project.tasks.order_by("-position").values_list("position", flat=True).first() or 0
    fields.setdefault("position", last + 1)
    task = Task(project=project, name=(name or "").strip(), **{k: v for k, v in fields.items() if v is not None
                                                               or k in {"phase", "assignee", "due_on"}})
    if not task.name:
        raise ValidationError({"name": "Give the task a name."})
    task.full_clean(exclude=["depends_on"])
    task.save()
    if depends_on:
        task.depends_on.set(_check_dependencies(task, depends_on))
    if task.status == TaskStatus.DONE:
        _check_done(task)
        Task.objects.filter(pk=task.pk).update(completed_at=timezone.now())
    record(by, task, None)
    return task


@transaction.atomic
def update_task(task: Task, *, by: User | None, depends_on: Iterable[Task] | None = None, **fields) -> Task:
    """Change a task; it is done only once every task it depends on is done."""
    _unknown(fields, TASK_FIELDS, "task")
    if "name" in fields and not (fields["name"] or "").strip():
        raise ValidationError({"name": "Give the task a name."})
    with audited(task, by):
        for name, value in fields.items():
            setattr(task, name, value)
        if depends_on is not None:
            task.depends_on.set(_check_dependencies(task, depends_on))
        if task.status == TaskStatus.DONE:
            _check_done(task)
            task.completed_at = task.completed_at or timezone.now()
        else:
            task.completed_at = None
        task.full_clean(exclude=["depends_on"])
        task.save()
    return task


@transaction.atomic
def delete_task(task: Task, *, by: User | None) -> None:
    """Remove a task entered by mistake; refused once time is logged on it (the time keeps its history)."""
    if task.time_entries.exists():
        raise ValidationError("Time is logged on this task; mark it done instead of deleting it.")
    delete_audited(task, by)


# --- milestones -------------------------------------------------------------------------------------------------

def billed_on(milestone: Milestone):
    """The issued invoice (money's) a milestone is billed on, or None."""
    line = milestone.invoice_lines.filter(invoice__status=ISSUED).select_related("invoice").first()
    return line.invoice if line is not None else None


def _refuse_if_billed(milestone: Milestone) -> None:
    invoice = billed_on(milestone)
    if invoice is not None:
        raise ValidationError(f"Billed on invoice {invoice.display_number}; credit the invoice to change it.")


@transaction.atomic
def add_milestone(project: Project, *, name: str, by: User | None, due_on: date | None = None,
                  amount: Decimal | None = None) -> Milestone:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the milestone a name."})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": "Cannot be negative."})
    last = project.milestones.order_by("-position").values_list("position", flat=True).first() or 0
    milestone = Milestone.objects.create(project=project, name=name[:200], due_on=due_on,
                                         amount=amount or Decimal(0), position=last + 1)
    record(by, milestone, None)
    return milestone


@transaction.atomic
def update_milestone(milestone: Milestone, *, by: User | None, **fields) -> Milestone:
    """Change a milestone; one billed on an issued invoice is final."""
    _unknown(fields, MILESTONE_FIELDS, "milestone")
    _refuse_if_billed(milestone)
    with audited(milestone, by):
        for name, value in fields.items():
            setattr(milestone, name, value)
        milestone.full_clean()
        milestone.save()
    return milestone


@transaction.atomic
def complete_milestone(milestone: Milestone, *, by: User | None, on: date | None = None) -> Milestone:
    """The milestone is reached on a day; under fixed-fee terms that month's billing run bills its amount."""
    if milestone.completed_on is not None:
        raise ValidationError(f"“{milestone.name}” was reached on {milestone.completed_on:%Y-%m-%d} already.")
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"completed_on": "A milestone is reached today or earlier, not in the future."})
    with audited(milestone, by):
        milestone.completed_on = on
        milestone.save(update_fields=["completed_on"])
    return milestone


@transaction.atomic
def reopen_milestone(milestone: Milestone, *, by: User | None) -> Milestone:
    """Undo a milestone reached by mistake; refused once billed on an issued invoice."""
    _refuse_if_billed(milestone)
    with audited(milestone, by):
        milestone.completed_on = None
        milestone.save(update_fields=["completed_on"])
    return milestone


@transaction.atomic
def delete_milestone(milestone: Milestone, *, by: User | None) -> None:
    if milestone.invoice_lines.exists():
        raise ValidationError("This milestone is on an invoice; it stays for the invoice's record.")
    delete_audited(milestone, by)
