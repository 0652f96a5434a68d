"""Project pages: the list with health and roll-ups, a project with its phases, tasks and milestones, a task, the
forms that add and change them, and the client page's projects section. Every write calls projects.services;
time is logged on a task through the desk's page (servicedesk sits above this app)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bspos.audit.services import history
from bspos.clients.forms import changes, show_refusal
from bspos.clients.models import Client
from bspos.core.filters import parse_id
from bspos.core.money import hours
from bspos.core.permissions import Can, can, requires
from bspos.projects import selectors, services
from bspos.projects.filters import ProjectFilter
from bspos.projects.forms import (
    MilestoneForm,
    PhaseForm,
    ProjectForm,
    ReachedForm,
    TaskForm,
    TaskStatusForm,
)
from bspos.projects.models import Milestone, Phase, Project, ProjectTemplate, Task


def _project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(Project.objects.visible_to(request.user).select_related("client"), pk=pk)


def _task(request: HttpRequest, pk: int) -> Task:
    return get_object_or_404(Task.objects.visible_to(request.user).select_related("project__client"), pk=pk)


def _refused(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@requires(Can.DESK_READ)
def project_list(request: HttpRequest) -> HttpResponse:
    filters = ProjectFilter(request.GET, selectors.projects_with_rollups(Project.objects.visible_to(request.user)))
    page = Paginator(filters.qs, 50).get_page(request.GET.get("page"))
    for project in page:
        project.figures = selectors.project_figures(project)
    return render(request, "projects/list.html", {"page": page, "filter": filters})


@requires(Can.DESK_READ)
def client_projects(request: HttpRequest, client_pk: int) -> HttpResponse:
    """The client page's Projects section (loaded into it by htmx: clients sits below this app)."""
    client = get_object_or_404(Client.objects.visible_to(request.user), pk=client_pk)
    projects = selectors.projects_with_rollups(Project.objects.visible_to(request.user).filter(client=client))[:50]
    rows = list(projects)
    for project in rows:
        project.figures = selectors.project_figures(project)
    return render(request, "projects/_client_projects.html", {"client": client, "projects": rows})


def _page(request: HttpRequest, pk: int, status: int = 200, **forms) -> HttpResponse:
    context = selectors.project_page(pk, Project.objects.visible_to(request.user))
    if context is None:
        raise Http404("No such project.")
    project = context["project"]
    context.update({
        "can_write": can(request.user, Can.DESK_WRITE), "can_log": can(request.user, Can.TIME_OWN),
        "phase_form": forms.get("phase_form") or PhaseForm(),
        "task_form": forms.get("task_form") or TaskForm(project=project),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(),
        "reached_form": ReachedForm(), "history": history(project)[:20],
        "deletable": not project.tasks.filter(time_entries__isnull=False).exists()})
    return render(request, "projects/detail.html", context, status=status)


@requires(Can.DESK_READ)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk)


def _form_page(request: HttpRequest, form: ProjectForm, **context) -> HttpResponse:
    """A refused form answers 400 with its errors (htmx swaps it in, so the person sees them)."""
    context["templates"] = ProjectTemplate.objects.filter(is_active=True)
    return render(request, "projects/form.html", {"form": form, **context}, status=400 if form.errors else 200)


@requires(Can.DESK_WRITE)
def project_new(request: HttpRequest) -> HttpResponse:
    """A new project, blank or from a template, prefilled with the client of the page it was opened from."""
    chosen = request.POST.get("client") if request.method == "POST" else request.GET.get("client")
    client = Client.objects.visible_to(request.user).filter(pk=parse_id(chosen)).first()
    template = ProjectTemplate.objects.filter(pk=parse_id(request.GET.get("template"))).first()
    form = ProjectForm(request.POST or None, initial={"client": client, "template": template}, client=client,
                       prices=services.sets_prices(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            project = services.create_project(by=request.user, **data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"{project.reference} created for {project.client.name}.")
            return redirect("projects:detail", pk=project.pk)
    return _form_page(request, form, client=client, title=f"New project{f' for {client.name}' if client else ''}")


@requires(Can.DESK_WRITE)
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = ProjectForm(request.POST or None, instance=project, prices=services.sets_prices(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_project(_project(request, pk), by=request.user, **changes(form))
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Project saved.")
            return redirect("projects:detail", pk=pk)
    return _form_page(request, form, project=_project(request, pk), title=f"Edit {project.reference}")


@require_POST
@requires(Can.DESK_WRITE)
def project_delete(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    try:
        services.delete_project(project, by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect("projects:detail", pk=pk)
    messages.success(request, f"{project.reference} deleted.")
    return redirect("projects:list")


@require_POST
@requires(Can.DESK_WRITE)
def phase_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = PhaseForm(request.POST)
    if form.is_valid():
        try:
            services.add_phase(project, by=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return redirect("projects:detail", pk=pk)
    return _page(request, pk, status=400, phase_form=form)


@require_POST
@requires(Can.DESK_WRITE)
def phase_delete(request: HttpRequest, pk: int) -> HttpResponse:
    phase = get_object_or_404(Phase.objects.visible_to(request.user), pk=pk)
    services.delete_phase(phase, by=request.user)
    messages.success(request, f"Phase “{phase.name}” removed; its tasks stay in the project.")
    return redirect("projects:detail", pk=phase.project_id)


@require_POST
@requires(Can.DESK_WRITE)
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = TaskForm(request.POST, project=project)
    if form.is_valid():
        data = dict(form.cleaned_data)
        depends_on = data.pop("depends_on", [])
        try:
            services.add_task(project, by=request.user, depends_on=depends_on, **data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return redirect(f"{project.get_absolute_url()}#tasks")
    return _page(request, pk, status=400, task_form=form)


def _task_page(request: HttpRequest, task: Task, form: TaskForm | None = None, status: int = 200) -> HttpResponse:
    entries = task.time_entries.select_related("technician").order_by("-started_at")[:100]
    logged = Task.objects.filter(pk=task.pk).with_logged().get()
    return render(request, "projects/task.html", {
        "task": task, "project": task.project, "form": form or TaskForm(instance=task, project=task.project),
        "entries": entries, "logged": logged, "logged_hours": hours(logged.logged_minutes),
        "can_write": can(request.user, Can.DESK_WRITE),
        "can_log": can(request.user, Can.TIME_OWN) and task.project.is_open, "history": history(task)[:20],
    }, status=status)


@requires(Can.DESK_READ)
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_page(request, _task(request, pk))


@require_POST
@requires(Can.DESK_WRITE)
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    form = TaskForm(request.POST, instance=_task(request, pk), project=task.project)
    if form.is_valid():
        data = changes(form)
        depends_on = data.pop("depends_on", None)
        try:
            services.update_task(task, by=request.user, depends_on=depends_on, **data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Task saved.")
            return redirect("projects:task", pk=pk)
    return _task_page(request, _task(request, pk), form=form, status=400)


@require_POST
@requires(Can.DESK_WRITE)
def task_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The project page's quick status change of a task."""
    task = _task(request, pk)
    form = TaskStatusForm(request.POST)
    if form.is_valid():
        try:
            services.update_task(task, by=request.user, status=form.cleaned_data["status"])
        except ValidationError as error:
            _refused(request, error)
    else:
        messages.error(request, "Choose one of the statuses.")
    return redirect(f"{task.project.get_absolute_url()}#task-{task.pk}")


@require_POST
@requires(Can.DESK_WRITE)
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    try:
        services.delete_task(task, by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect("projects:task", pk=pk)
    messages.success(request, f"Task “{task.name}” deleted.")
    return redirect("projects:detail", pk=task.project_id)


@require_POST
@requires(Can.DESK_WRITE)
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.add_milestone(project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return redirect(f"{project.get_absolute_url()}#milestones")
    return _page(request, pk, status=400, milestone_form=form)


def _milestone(request: HttpRequest, pk: int) -> Milestone:
    return get_object_or_404(Milestone.objects.visible_to(request.user), pk=pk)


@require_POST
@requires(Can.DESK_WRITE)
def milestone_reached(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    form = ReachedForm(request.POST)
    if form.is_valid():
        try:
            services.complete_milestone(milestone, by=request.user, on=form.cleaned_data["on"])
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, f"“{milestone.name}” reached.")
    else:
        messages.error(request, "Give the day the milestone was reached.")
    return redirect(f"{milestone.project.get_absolute_url()}#milestones")


@require_POST
@requires(Can.DESK_WRITE)
def milestone_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    try:
        services.reopen_milestone(milestone, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    return redirect(f"{milestone.project.get_absolute_url()}#milestones")


@require_POST
@requires(Can.DESK_WRITE)
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    try:
        services.delete_milestone(milestone, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    return redirect(f"{milestone.project.get_absolute_url()}#milestones")


@requires(Can.DESK_READ)
def template_list(request: HttpRequest) -> HttpResponse:
    templates = ProjectTemplate.objects.filter(is_active=True)
    for template in templates:
        template.hours = services.template_hours(template)
    return render(request, "projects/templates.html", {"templates": templates})
