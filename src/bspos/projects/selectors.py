"""Reads of the projects app: the list with its roll-ups, one project's page, a client's projects."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from bspos.core.money import hours
from bspos.projects.models import Milestone, Phase, Project, Task, TaskStatus
from bspos.projects.services import ISSUED


def projects_with_rollups(projects: QuerySet, today=None) -> QuerySet:
    """The list's rows: each project's client, manager and figures (`Project.objects.with_rollups`)."""
    return projects.with_rollups(today).select_related("client", "manager").order_by("-number")


def burn_percent(used, budget) -> int | None:
    """How much of a budget is used, in whole percent (None without a budget)."""
    if budget is None or budget == 0:
        return None
    return int(round(used * 100 / budget))


def project_figures(project: Project) -> dict:
    """The figures the project page and the API show (the row must come from `with_rollups`)."""
    budget_minutes = project.budget_hours * 60 if project.budget_hours is not None else None
    return {
        "logged_hours": hours(project.logged_minutes), "estimate_hours": hours(project.estimate_minutes),
        "forecast_hours": hours(project.forecast_minutes), "remaining_hours": hours(project.remaining_minutes),
        "logged_amount": project.logged_amount, "forecast_amount": project.forecast_amount,
        "hours_burn": burn_percent(project.logged_minutes, budget_minutes),
        "amount_burn": burn_percent(project.logged_amount, project.budget_amount),
    }


def milestones_of(project: Project) -> list[Milestone]:
    """The milestones, each with `issued_lines`: the issued invoice lines (money's) that billed it."""
    from django.db.models import Q

    lines = Milestone._meta.get_field("invoice_lines").related_model
    issued = lines.objects.filter(Q(invoice__status=ISSUED)).select_related("invoice")
    return list(project.milestones.prefetch_related(Prefetch("invoice_lines", queryset=issued,
                                                             to_attr="issued_lines")))


def project_page(project_pk: int, projects: QuerySet) -> dict | None:
    """Everything the project page shows, in a fixed number of queries; None when not visible."""
    today = timezone.localdate()
    project = projects_with_rollups(projects.filter(pk=project_pk), today).select_related(
        "agreement", "template").first()
    if project is None:
        return None
    tasks = list(Task.objects.filter(project=project).with_logged().select_related("assignee", "phase")
                 .prefetch_related(Prefetch("depends_on", queryset=Task.objects.only("pk", "name", "status"))))
    phases = list(Phase.objects.filter(project=project).with_rollups())
    for phase in phases:
        phase.task_rows = [task for task in tasks if task.phase_id == phase.pk]
        phase.logged_hours, phase.estimate_hours = hours(phase.logged_minutes), hours(phase.estimate_minutes)
        phase.forecast_hours = hours(phase.forecast_minutes)
    for task in tasks:
        task.is_late = task.status != TaskStatus.DONE and task.due_on is not None and task.due_on < today
        task.logged_hours = hours(task.logged_minutes)
    return {"project": project, "figures": project_figures(project), "phases": phases,
            "unphased": [task for task in tasks if task.phase_id is None], "tasks": tasks,
            "milestones": milestones_of(project), "today": today, "task_statuses": TaskStatus.choices}
