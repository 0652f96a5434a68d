from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q


class Priority(models.IntegerChoices):
    CRITICAL = 1, "P1 Critical"
    HIGH = 2, "P2 High"
    MEDIUM = 3, "P3 Medium"
    LOW = 4, "P4 Low"


class BusinessCalendar(models.Model):
    """Weekly working hours in a time zone, minus public holidays: the clock SLA targets count in."""

    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(max_length=64, default="Europe/London")
    holiday_country = models.CharField(max_length=2, blank=True,
                                       help_text="ISO country code for public holidays (python-holidays), e.g. GB.")
    holiday_subdivision = models.CharField(max_length=10, blank=True, help_text="e.g. ENG, or a US state code.")

    class Meta:
        ordering = ["name"]

    def clean(self) -> None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        import holidays

        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError({"time_zone": f"Unknown time zone “{self.time_zone}”."}) from None
        if self.holiday_country:
            try:
                holidays.country_holidays(self.holiday_country, subdiv=self.holiday_subdivision or None)
            except NotImplementedError:
                raise ValidationError(
                    {"holiday_country": f"No public-holiday data for country “{self.holiday_country}”."}
                ) from None
            except ValueError as error:
                raise ValidationError({"holiday_subdivision": str(error)}) from None

    def __str__(self) -> str:
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WorkingHours(models.Model):
    """One working window on a weekday, in the calendar's local time; several per day allowed."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField(null=True, blank=True, help_text="Leave empty for midnight at the end of the day.")

    class Meta:
        ordering = ["calendar", "weekday", "starts"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="weekday_0_to_6"),
            models.CheckConstraint(condition=Q(ends__isnull=True) | Q(ends__gt=F("starts")),
                                   name="working_hours_end_after_start"),
        ]

    def clean(self) -> None:
        if self.ends is not None and self.starts is not None and self.ends <= self.starts:
            raise ValidationError({"ends": "The end must be after the start (leave empty for midnight)."})

    def __str__(self) -> str:
        ends = self.ends.strftime("%H:%M") if self.ends else "24:00"
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{ends}"


class CalendarHoliday(models.Model):
    """A closure day of the MSP beyond the public holidays (e.g. a company day off)."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="extra_holidays")
    date = models.DateField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["calendar", "date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="one_closure_per_day")]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"


class SlaPlan(models.Model):
    """First-response and resolution targets per priority, in business minutes of one calendar."""

    name = models.CharField(max_length=100, unique=True)
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.PROTECT, related_name="sla_plans")
    at_risk_percent = models.PositiveSmallIntegerField(
        default=75, validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text="A clock is at risk once this share of its target is used.",
    )
    # Waiting on client (both optional): remind the contact, then resolve with a note (servicedesk.escalation).
    remind_after_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Business days waiting on the client before the contact is reminded; empty for no reminder.",
    )
    resolve_after_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Further business days (after the reminder, if any) before the ticket is resolved with a note; "
                  "empty to keep waiting.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(at_risk_percent__gte=1, at_risk_percent__lte=99),
                                   name="sla_plan_at_risk_1_to_99"),
            models.CheckConstraint(condition=Q(remind_after_days__isnull=True) | Q(remind_after_days__gte=1),
                                   name="sla_plan_remind_after_positive"),
            models.CheckConstraint(condition=Q(resolve_after_days__isnull=True) | Q(resolve_after_days__gte=1),
                                   name="sla_plan_resolve_after_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class SlaTarget(models.Model):
    plan = models.ForeignKey(SlaPlan, on_delete=models.CASCADE, related_name="targets")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    first_response_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    resolution_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["plan", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "priority"], name="one_target_per_priority"),
            models.CheckConstraint(condition=Q(first_response_minutes__gt=0) & Q(resolution_minutes__gt=0),
                                   name="sla_targets_positive"),
            models.CheckConstraint(condition=Q(resolution_minutes__gte=F("first_response_minutes")),
                                   name="resolution_not_before_response"),
        ]

    def clean(self) -> None:
        if (self.first_response_minutes and self.resolution_minutes
                and self.resolution_minutes < self.first_response_minutes):
            raise ValidationError({"resolution_minutes": "Resolution target cannot be shorter than first response."})

    def __str__(self) -> str:
        return f"{self.plan} {self.get_priority_display()}"


class Clock(models.TextChoices):
    FIRST_RESPONSE = "first_response", "First response"
    RESOLUTION = "resolution", "Resolution"


class RaisePriority(models.TextChoices):
    NO = "", "No change"
    ONE_STEP = "step", "One step up"
    TO_CRITICAL = "1", "To P1 Critical"
    TO_HIGH = "2", "To P2 High"
    TO_MEDIUM = "3", "To P3 Medium"


PERCENT_RANGE = "The percentage must be between 1 and 100."


class EscalationRule(models.Model):
    """At `percent` of a plan's first-response or resolution target used, notify, reassign and/or raise priority.

    The SLA job (servicedesk.escalation) fires each rule once per ticket; at 100% the service managers are told
    anyway (the breach), whatever the rules say.
    """

    plan = models.ForeignKey(SlaPlan, on_delete=models.CASCADE, related_name="escalation_rules")
    target = models.CharField(max_length=20, choices=Clock.choices, default=Clock.RESOLUTION)
    percent = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1, PERCENT_RANGE), MaxValueValidator(100, PERCENT_RANGE)],
        help_text="Share of the target used, 1–100; 100 is the breach.",
    )
    notify_assignee = models.BooleanField(default=False)
    notify_managers = models.BooleanField("notify the service managers", default=False)
    notify_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", help_text="Also tell this person.")
    reassign_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", help_text="Give the ticket to this person.")
    raise_priority = models.CharField(max_length=4, choices=RaisePriority.choices, blank=True, default="")

    class Meta:
        ordering = ["plan", "target", "percent"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "target", "percent"], name="one_rule_per_plan_target_percent"),
            models.CheckConstraint(condition=Q(percent__gte=1, percent__lte=100), name="escalation_percent_1_to_100"),
        ]

    def clean(self) -> None:
        errors = {}
        for field in ("notify_user", "reassign_to"):
            person = getattr(self, field)
            if person is not None and not (person.is_active and person.is_msp_staff):
                errors[field] = f"{person} is not an active member of staff."
        if not (self.notify_assignee or self.notify_managers or self.notify_user_id or self.reassign_to_id
                or self.raise_priority):
            errors["__all__"] = "Choose at least one action: notify, reassign or raise the priority."
        if errors:
            raise ValidationError(errors)

    def actions(self) -> list[str]:
        """What the rule does, in words (the plan page and the note the job leaves on the ticket)."""
        done = []
        told = [name for name, on in (("the assignee", self.notify_assignee),
                                      ("the service managers", self.notify_managers)) if on]
        if self.notify_user_id:
            told.append(str(self.notify_user))
        if told:
            done.append("notify " + ", ".join(told))
        if self.reassign_to_id:
            done.append(f"reassign to {self.reassign_to}")
        if self.raise_priority:
            done.append("raise the priority " + self.get_raise_priority_display().lower())
        return done

    def __str__(self) -> str:
        return f"{self.plan}: {self.percent}% of {self.get_target_display().lower()}"
