"""Expand with Intent (seed 000, phase E): the Hats Chart, one-on-ones and quarterly reviews, the weekly
leadership meeting and the 365 plan with its quarterly rocks.

Nothing here belongs to a client: every row is the MSP's own, read by its staff and never by a client contact.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from bspos.core.dates import quarter_end
from bspos.core.permissions import Can, can

# The seven core functions of seed 000's Hats Chart, in the product's default wording (editable).
DEFAULT_HATS = [
    ("Leadership & vision", "Sets direction, runs the weekly leadership meeting, owns the 365 plan."),
    ("Sales & marketing", "Fills the funnel with ideal clients and closes them."),
    ("Service delivery", "Tickets resolved within SLA by a team working at 70-80% utilisation."),
    ("Client success & vCIO", "Strategic Business Reviews every 90 days; clients stay and grow."),
    ("Finance", "Invoicing, margins, cash; every agreement above its floor."),
    ("People", "Hiring, one-on-ones, quarterly reviews, core values."),
    ("Operations & systems", "Standard stack, SOPs, tools and the systems the business runs on."),
]

# Weekly leadership meeting (seed 000: "typically 90 minutes", metrics review, issue resolution, decisions).
MEETING_MINUTES = 90
DEFAULT_AGENDA = [("Segue", 5), ("Metrics", 5), ("Rocks", 5), ("Headlines", 5), ("To-dos", 5),
                  ("Issues: identify, discuss, solve", 60), ("Conclude and rate", 5)]

MAX_ROCKS, MIN_ROCKS = 5, 3  # seed 000: "each quarter has 3-5 rocks"


class StaffOnlyQuerySet(models.QuerySet):
    """The MSP's own leadership rows: every staff member reads them; a client contact reaches none (404)."""

    def visible_to(self, user) -> "StaffOnlyQuerySet":
        return self if can(user, Can.DESK_READ) else self.none()


class LiveFigure(models.TextChoices):
    """bspos's own figures a success metric can follow, each read from the owner's scorecard selectors."""

    UTILISATION = "utilisation", "Technician utilisation (%)"
    SLA_MET = "sla_met", "Resolution SLA met (%)"
    GROSS_MARGIN = "gross_margin", "Gross margin (%)"
    REVENUE_PER_CLIENT = "revenue_per_client", "Revenue per client per month"
    FOUNDER_HOURS = "founder_hours", "Founder hours per week"
    SALES_CYCLE = "sales_cycle", "Sales cycle (weeks)"
    TENURE = "tenure", "Client tenure (years)"
    LOGO_CHURN = "logo_churn", "Logo churn (% of clients)"
    ESCALATION_RATE = "escalation_rate", "Escalation rate (%)"
    SCOPE_CREEP = "scope_creep", "Out-of-scope share of ticket time (%)"
    SBR_COMPLETION = "sbr_completion", "SBRs held on time this quarter (%)"


class Direction(models.TextChoices):
    HIGHER = "higher", "at or above target"
    LOWER = "lower", "at or below target"


class Hat(models.Model):
    """One seat of the Hats Chart: a function of the business (not a person), its owner and responsibilities."""

    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="hats")
    responsibilities = models.TextField(blank=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Metric(models.Model):
    """A hat's success metric: one of bspos's live figures, or a number the owner enters each week."""

    hat = models.ForeignKey(Hat, on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(max_length=120)
    live = models.CharField(max_length=30, choices=LiveFigure.choices, blank=True,
                            help_text="Blank: a number entered each week.")
    target = models.DecimalField(max_digits=12, decimal_places=2)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["hat__position", "pk"]

    def on_target(self, value) -> bool | None:
        if value is None:
            return None
        return value >= self.target if self.direction == Direction.HIGHER else value <= self.target

    def __str__(self) -> str:
        return self.name


class MetricEntry(models.Model):
    """The number entered for a metric in one week (the Monday it starts)."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="entries")
    week = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["metric", "week"], name="one_entry_per_metric_week")]

    def __str__(self) -> str:
        return f"{self.metric} {self.week}: {self.value}"


class Meeting(models.Model):
    """One weekly leadership meeting: its timed agenda, who came, when it started and how it was rated."""

    scheduled_at = models.DateTimeField(db_index=True)
    agenda = models.JSONField(help_text='[["section", minutes], …] summing to 90')
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(10)])
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    notes = models.TextField(blank=True)
    figures = models.JSONField(default=dict, blank=True,
                               help_text="The live figures as reviewed, kept when the meeting starts: "
                                         '{"figure": "12.3" or null}.')

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_at"]
        constraints = [models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=10),
                                              name="meeting_rating_1_to_10")]

    @property
    def started_on_time(self) -> bool | None:
        return None if self.started_at is None else self.started_at <= self.scheduled_at + timedelta(minutes=5)

    @property
    def length_minutes(self) -> int | None:
        if self.started_at and self.ended_at:
            return int((self.ended_at - self.started_at).total_seconds() // 60)
        return None

    def __str__(self) -> str:
        return f"Leadership meeting {self.scheduled_at:%Y-%m-%d}"


class Issue(models.Model):
    """Something the team raised, worked through identify → discuss → solve in a meeting."""

    class Status(models.TextChoices):
        IDENTIFIED = "identified", "Identified"
        DISCUSSED = "discussed", "Discussed"
        SOLVED = "solved", "Solved"

    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    priority = models.PositiveSmallIntegerField(default=0, help_text="1 is worked first; 0 is not ranked yet.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IDENTIFIED, db_index=True)
    solved_in = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="solved")

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        # ranked issues first (1 is worked first), the ones not ranked yet after them
        ordering = [models.Case(models.When(priority=0, then=models.Value(1)), default=models.Value(0)),
                    "priority", "raised_at"]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """What leadership decided, shown to every staff member afterwards."""

    text = models.TextField()
    decided_on = models.DateField(db_index=True)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    issue = models.ForeignKey(Issue, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Todo(models.Model):
    """A seven-day action with one owner, from a solved issue or a meeting."""

    title = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    issue = models.ForeignKey(Issue, null=True, blank=True, on_delete=models.SET_NULL, related_name="todos")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="todos")

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Conversation(models.Model):
    """A monthly one-on-one or a quarterly review of one person, held to the hats they wear."""

    class Kind(models.TextChoices):
        ONE_ON_ONE = "1on1", "Monthly one-on-one"
        QUARTERLY = "quarterly", "Quarterly review"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        MISSED = "missed", "Missed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    period_start = models.DateField(help_text="First day of the month (1:1) or quarter (review).")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    held_on = models.DateField(null=True, blank=True)
    # both sides' prepared answers, side by side on the page
    person_working = models.TextField("what's working (person)", blank=True)
    person_not_working = models.TextField("what isn't (person)", blank=True)
    person_values = models.TextField("core values lived (person)", blank=True)
    manager_working = models.TextField("what's working (manager)", blank=True)
    manager_not_working = models.TextField("what isn't (manager)", blank=True)
    manager_values = models.TextField("core values lived (manager)", blank=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "person", "period_start"], name="one_conversation_per_period"),
            models.CheckConstraint(condition=~Q(status="held") | Q(held_on__isnull=False), name="held_has_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.person} · {self.period_start:%Y-%m}"


class Plan(models.Model):
    """The 365 plan: one page per year, the vision and this year's goals, executed in quarterly rocks."""

    year = models.PositiveSmallIntegerField(unique=True)
    vision = models.TextField(blank=True, help_text="The long-range goal everyone can describe.")

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} plan"


class Goal(models.Model):
    """One of the year's goals with a measurable target, following a live figure where one fits."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(max_length=200)
    live = models.CharField(max_length=30, choices=LiveFigure.choices, blank=True)
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text

    def on_target(self, value) -> bool | None:
        if value is None or self.target is None:
            return None
        return value >= self.target if self.direction == Direction.HIGHER else value <= self.target


class Rock(models.Model):
    """A non-negotiable outcome for one quarter, one owner, due at the quarter's end."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rocks")
    quarter = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rocks")
    on_track = models.BooleanField(default=True)
    done = models.BooleanField(null=True, blank=True, help_text="Set at quarter close: done or not done.")
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["plan__year", "quarter", "pk"]
        constraints = [models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="rock_quarter_1_to_4")]

    @property
    def due_on(self) -> date:
        return quarter_end(date(self.plan.year, 3 * self.quarter - 2, 1))

    def __str__(self) -> str:
        return self.title
