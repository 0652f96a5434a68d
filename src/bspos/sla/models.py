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

    class Meta:
        ordering = ["name"]

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
