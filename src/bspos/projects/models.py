"""Projects per client: phases, tasks, milestones, budgets, templates and project billing.

Time is logged on tasks by the service desk (`servicedesk.TimeEntry.task`); this app reads it through the reverse
relation `time_entries` and never imports the desk (it sits below it). See docs/projects.md.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Round
from django.urls import reverse
from django.utils import timezone

from bspos.agreements.models import Agreement
from bspos.clients.models import Client
from bspos.core.querysets import ClientOwnedQuerySet, client_owned


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "In progress"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (ProjectStatus.PLANNED, ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD)


class BillingTerms(models.TextChoices):
    AGREEMENT = "agreement", "Under the client's agreement"
    FIXED_FEE = "fixed_fee", "Fixed fee, billed by milestone"
    TIME_AND_MATERIALS = "time_and_materials", "Time & materials"


class Health(models.TextChoices):
    OVER_BUDGET = "over_budget", "Over budget"
    LATE = "late", "Late"
    AT_RISK = "at_risk", "Forecast over budget"
    ON_TRACK = "on_track", "On track"
    CLOSED = "closed", "Closed"


class ProjectTemplate(models.Model):
    """A project's structure as data: phases with their tasks (estimate, days from the start) and milestones.

    `structure` = {"phases": [{"name", "tasks": [{"name", "estimate_hours", "due_after_days", "depends_on"}]}],
    "milestones": [{"name", "due_after_days", "share"}]}; `share` is the part of a fixed fee (percent) the
    milestone bills. Checked by `projects.services.check_structure`.
    """

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    billing = models.CharField(max_length=20, choices=BillingTerms.choices, default=BillingTerms.FIXED_FEE,
                               help_text="The billing terms a project made from this template starts with.")
    structure = models.JSONField(default=dict)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


AMOUNT = DecimalField(max_digits=16, decimal_places=2)


def _time_entries():
    """The desk's TimeEntry, reached through the reverse relation so this app never imports the desk."""
    return Task._meta.get_field("time_entries").related_model


def logged_minutes(path: str):
    """Minutes of time logged on the tasks `path` reaches from the outer row ("task", "task__phase", …)."""
    entries = (_time_entries().objects.filter(**{path: OuterRef("pk")}).order_by().values(path)
               .annotate(total=Sum("minutes")).values("total"))
    return Coalesce(Subquery(entries, output_field=IntegerField()), 0)


def logged_value(path: str):
    """What the logged time is worth at the bill rates copied onto each entry."""
    entries = (_time_entries().objects.filter(**{path: OuterRef("pk")}).order_by().values(path)
               .annotate(total=Sum(ExpressionWrapper(F("minutes") * F("bill_rate"), output_field=AMOUNT)))
               .values("total"))
    # divided by the float 60.0, so SQLite (which stores 100.00 as the integer 100) does not divide integers
    return ExpressionWrapper(Coalesce(Subquery(entries, output_field=AMOUNT), Value(0, output_field=AMOUNT))
                             / Value(60.0, output_field=FloatField()), output_field=AMOUNT)


def estimate_minutes_of(expression):
    return Cast(Round(expression * 60), IntegerField())


def remaining_minutes(path: str):
    """Per outer row, the time its open tasks still need: each open task's estimate less what it took so far,
    never below zero; a task that is done needs nothing more."""
    tasks = (Task.objects.filter(**{path: OuterRef("pk")}).order_by()
             .annotate(logged=logged_minutes("task"))
             .annotate(left=Case(When(status=TaskStatus.DONE, then=Value(0)),
                                 default=Greatest(estimate_minutes_of(F("estimate_hours")) - F("logged"), Value(0)),
                                 output_field=IntegerField()))
             .values(path).annotate(total=Sum("left")).values("total"))
    return Coalesce(Subquery(tasks, output_field=IntegerField()), 0)


def estimated_minutes(path: str):
    """The tasks' estimates in minutes (each task's rounded to the minute, then added)."""
    tasks = (Task.objects.filter(**{path: OuterRef("pk")}).order_by().values(path)
             .annotate(total=Sum(estimate_minutes_of(F("estimate_hours")))).values("total"))
    return Coalesce(Subquery(tasks, output_field=IntegerField()), 0)


class ProjectQuerySet(ClientOwnedQuerySet):
    def contact_filter(self) -> Q:
        return Q(pk__in=[])  # projects carry budgets and rates: the MSP's own, not shown in the portal

    def open(self) -> "ProjectQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def with_rollups(self, today=None) -> "ProjectQuerySet":
        """Each project's figures, computed in the database: minutes logged on its tasks and what they are worth,
        the estimate, the forecast at completion (logged + what open tasks still need), the burn against each
        budget and its health: over budget (logged beyond a budget), late (past its due date, or an open task past
        its own), forecast over budget, on track; closed for completed and cancelled projects."""
        today = today or timezone.localdate()
        late_task = Task.objects.filter(project=OuterRef("pk")).late(today)
        rows = self.annotate(
            logged_minutes=logged_minutes("task__project"),
            logged_amount=logged_value("task__project"),
            estimate_minutes=estimated_minutes("project"),
            remaining_minutes=remaining_minutes("project"),
            has_late_task=Exists(late_task),
        ).annotate(forecast_minutes=F("logged_minutes") + F("remaining_minutes"))
        rows = rows.annotate(forecast_amount=Case(
            When(logged_minutes__gt=0, then=ExpressionWrapper(
                F("logged_amount") * F("forecast_minutes") / F("logged_minutes"), output_field=AMOUNT)),
            default=None, output_field=AMOUNT))
        over = (Q(budget_hours__isnull=False, logged_minutes__gt=F("budget_hours") * 60)
                | Q(budget_amount__isnull=False, logged_amount__gt=F("budget_amount")))
        forecast_over = (Q(budget_hours__isnull=False, forecast_minutes__gt=F("budget_hours") * 60)
                         | Q(budget_amount__isnull=False, forecast_amount__gt=F("budget_amount")))
        late = Q(due_date__lt=today) | Q(has_late_task=True)
        return rows.annotate(
            over_budget=Case(When(over, then=Value(True)), default=Value(False)),
            is_late=Case(When(Q(status__in=OPEN_STATUSES) & late, then=Value(True)), default=Value(False)),
            health=Case(When(~Q(status__in=OPEN_STATUSES), then=Value(Health.CLOSED)),
                        When(over, then=Value(Health.OVER_BUDGET)),
                        When(late, then=Value(Health.LATE)),
                        When(forecast_over, then=Value(Health.AT_RISK)),
                        default=Value(Health.ON_TRACK), output_field=models.CharField()))


class Project(models.Model):
    """Work sold besides support (an onboarding, a migration, a server refresh), followed against its budget."""

    number = models.PositiveIntegerField(unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED,
                              db_index=True)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="managed_projects")
    start_date = models.DateField(default=timezone.localdate)
    due_date = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True, editable=False)
    budget_hours = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True,
                                       help_text="Hours the project may take; empty for no hours budget.")
    budget_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True,
                                        help_text="What the work may cost at bill rates (for a fixed fee: the "
                                                  "price); empty for no money budget.")
    billing = models.CharField(max_length=20, choices=BillingTerms.choices, default=BillingTerms.TIME_AND_MATERIALS)
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="projects",
                                  help_text="The agreement the project's time is billed under (agreement terms).")
    hourly_rate = models.DecimalField(max_digits=8, decimal_places=2, default=0,
                                      help_text="Time & materials rate per hour; 0 bills each technician's rate.")
    template = models.ForeignKey(ProjectTemplate, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="projects")
    origin = models.CharField(max_length=100, null=True, blank=True, unique=True, editable=False,
                              help_text="What the project was made from (a roadmap item, a recommendation), "
                                        "so one click never makes two.")
    origin_label = models.CharField(max_length=300, blank=True, editable=False)
    origin_url = models.CharField(max_length=300, blank=True, editable=False,
                                  help_text="The page of what the project was made from (its link back).")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        indexes = [models.Index(fields=["client", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(due_date__isnull=True) | Q(due_date__gte=models.F("start_date")),
                                   name="project_due_not_before_start"),
            models.CheckConstraint(condition=(Q(budget_hours__isnull=True) | Q(budget_hours__gte=0))
                                   & (Q(budget_amount__isnull=True) | Q(budget_amount__gte=0))
                                   & Q(hourly_rate__gte=0), name="project_budget_not_negative"),
        ]

    def clean(self) -> None:
        errors = {}
        if self.due_date and self.start_date and self.due_date < self.start_date:
            errors["due_date"] = "The due date cannot be before the start."
        if self.agreement_id and self.client_id and self.agreement.client_id != self.client_id:
            errors["agreement"] = "Choose one of this client's agreements."
        if self.billing == BillingTerms.AGREEMENT and not self.agreement_id:
            errors["agreement"] = "Billing under the agreement needs the agreement."
        for name in ("budget_hours", "budget_amount", "hourly_rate"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = "Cannot be negative."
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"PRJ-{self.number:05d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"


class PhaseQuerySet(ClientOwnedQuerySet):
    client_field = "project__client"

    def contact_filter(self) -> Q:
        return Q(pk__in=[])

    def with_rollups(self) -> "PhaseQuerySet":
        """A phase's tasks rolled up: minutes logged, their value, the estimate and the forecast at completion."""
        return self.annotate(logged_minutes=logged_minutes("task__phase"), logged_amount=logged_value("task__phase"),
                             estimate_minutes=estimated_minutes("phase"),
                             remaining_minutes=remaining_minutes("phase")
                             ).annotate(forecast_minutes=F("logged_minutes") + F("remaining_minutes"))


class Phase(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    objects = PhaseQuerySet.as_manager()

    class Meta:
        ordering = ["project", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class TaskStatus(models.TextChoices):
    TODO = "todo", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    DONE = "done", "Done"


class TaskQuerySet(ClientOwnedQuerySet):
    client_field = "project__client"

    def contact_filter(self) -> Q:
        return Q(pk__in=[])

    def with_logged(self) -> "TaskQuerySet":
        """Each task's minutes logged, what they are worth at bill rates, and its estimate in minutes."""
        return self.annotate(logged_minutes=logged_minutes("task"), logged_amount=logged_value("task"),
                             estimate_minutes=estimate_minutes_of(F("estimate_hours")))

    def open(self) -> "TaskQuerySet":
        return self.exclude(status=TaskStatus.DONE)

    def late(self, today) -> "TaskQuerySet":
        """Open tasks past their due date."""
        return self.open().filter(due_on__lt=today)


class Task(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    phase = models.ForeignKey(Phase, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="project_tasks")
    estimate_hours = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=TaskStatus.choices, default=TaskStatus.TODO, db_index=True)
    depends_on = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="blocks",
                                        help_text="Tasks that must be done before this one can be.")
    position = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["project", "phase__position", "position", "pk"]
        constraints = [models.CheckConstraint(condition=Q(estimate_hours__gte=0), name="task_estimate_not_negative")]

    def clean(self) -> None:
        if self.phase_id and self.project_id and self.phase.project_id != self.project_id:
            raise ValidationError({"phase": "Choose a phase of this project."})
        if self.estimate_hours is not None and self.estimate_hours < 0:
            raise ValidationError({"estimate_hours": "Cannot be negative."})

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """A point the client signs off; under fixed-fee terms it bills its amount in the month it is reached."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=0,
                                 help_text="What reaching it bills under fixed-fee terms.")
    completed_on = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = client_owned("project__client", Q(pk__in=[])).as_manager()

    class Meta:
        ordering = ["project", "position", "due_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="milestone_amount_not_negative")]

    def __str__(self) -> str:
        return self.name
