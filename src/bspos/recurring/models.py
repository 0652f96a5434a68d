"""Recurring ticket templates and the occurrences already created from them.

A template carries an iCalendar-style rule (frequency, interval, weekdays or day of the month, start, an end date
or a count) computed by `dateutil.rrule`, at a time of day in the MSP's zone. An Occurrence row per template and
day marks what was created, so no day is ever created twice (unique constraint; see `services.create_due`).
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bspos.clients.models import Client, Contact
from bspos.core.querysets import ClientOwnedQuerySet
from bspos.knowledge.models import ChecklistKind, ChecklistRun, ChecklistTemplate
from bspos.servicedesk.models import Category, Level, Ticket

MAX_DAYS_AHEAD = 90
LAST_DAY = -1  # month_day -1: the last day of every month


class Frequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    YEARLY = "yearly", "Yearly"


WEEKDAYS = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]
_RRULE_FREQ = {Frequency.DAILY: rrule.DAILY, Frequency.WEEKLY: rrule.WEEKLY, Frequency.MONTHLY: rrule.MONTHLY,
               Frequency.YEARLY: rrule.YEARLY}
# Checklists a recurring ticket can start: the ones run for a client (technician onboarding is run for a person).
CLIENT_CHECKLISTS = [ChecklistKind.MONTHLY_MAINTENANCE, ChecklistKind.CLIENT_ONBOARDING, ChecklistKind.OFFBOARDING]


class RecurringTicketQuerySet(ClientOwnedQuerySet):
    """The MSP's own schedule: staff who read the desk see it, a client contact sees none."""

    def contact_filter(self) -> Q:
        return Q(pk__in=[])

    def due(self, now: datetime) -> "RecurringTicketQuerySet":
        """Templates with an occurrence to create now: running (not paused, not ended) and inside the days ahead."""
        return self.filter(paused=False, ended_at__isnull=True, create_from__lte=now)


class RecurringTicket(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="recurring_tickets")
    subject = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    impact = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.MEDIUM)
    urgency = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.LOW)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    checklist_template = models.ForeignKey(
        ChecklistTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"active": True, "kind__in": CLIENT_CHECKLISTS},
        help_text="Each ticket starts a run of this checklist for the client.")

    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    interval = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(365)],
                                                help_text="Every 1, 2, 3 … days, weeks, months or years.")
    weekdays = models.CharField(max_length=20, blank=True, help_text="Weekly: the days of the week (0 = Monday), "
                                                                     "comma-separated; empty = the start's weekday.")
    month_day = models.SmallIntegerField(null=True, blank=True,
                                         validators=[MinValueValidator(LAST_DAY), MaxValueValidator(31)],
                                         help_text="Monthly: the day of the month (-1 = the last day); empty = the "
                                                   "start's day. Months without that day are skipped.")
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True, help_text="The last day an occurrence may fall on.")
    count = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)],
                                        help_text="Or stop after this many occurrences.")
    time_of_day = models.TimeField(default=time(8, 0), help_text="In the MSP's time zone.")
    days_ahead = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(MAX_DAYS_AHEAD)],
                                                  help_text="Create each ticket this many days before its day.")
    paused = models.BooleanField(default=False)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Ended for good: no more tickets.")

    # Kept by services.schedule_next: the next occurrence not created yet, and when the job creates it.
    next_at = models.DateTimeField(null=True, blank=True, editable=False)
    create_from = models.DateTimeField(null=True, blank=True, editable=False)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RecurringTicketQuerySet.as_manager()

    class Meta:
        ordering = ["client__name", "subject", "pk"]
        indexes = [
            # The recurring-ticket job's one query (RecurringTicketQuerySet.due).
            models.Index(fields=["create_from"], name="recurring_due",
                         condition=Q(paused=False, ended_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="recurring_ends_not_before_start"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(count__isnull=True),
                                   name="recurring_end_date_or_count"),
            models.CheckConstraint(condition=Q(interval__gte=1), name="recurring_interval_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.client})" if self.client_id else self.subject

    @property
    def status(self) -> str:
        if self.ended_at:
            return "ended"
        if self.paused:
            return "paused"
        return "finished" if self.next_at is None else "running"

    def describe(self) -> str:
        """The rule in words, e.g. "Every 2 weeks on Mon, Thu at 08:00"."""
        unit = {Frequency.DAILY: "day", Frequency.WEEKLY: "week", Frequency.MONTHLY: "month",
                Frequency.YEARLY: "year"}[self.frequency]
        words = f"Every {unit}" if self.interval == 1 else f"Every {self.interval} {unit}s"
        if self.frequency == Frequency.WEEKLY and self.weekdays:
            words += " on " + ", ".join(dict(WEEKDAYS)[d] for d in self.weekday_numbers())
        if self.frequency == Frequency.MONTHLY and self.month_day:
            words += " on the last day" if self.month_day == LAST_DAY else f" on day {self.month_day}"
        words += f" at {self.time_of_day:%H:%M}"
        if self.ends_on:
            words += f", until {self.ends_on:%-d %b %Y}"
        elif self.count:
            words += f", {self.count} times"
        return words

    def weekday_numbers(self) -> list[int]:
        return sorted({int(part) for part in self.weekdays.split(",") if part.strip() != ""})

    def clean(self) -> None:
        errors = {}
        try:
            days = self.weekday_numbers()
        except ValueError:
            days, errors["weekdays"] = [], "Weekdays are numbers 0 (Monday) to 6 (Sunday), comma-separated."
        if any(d not in range(7) for d in days):
            errors["weekdays"] = "Weekdays are numbers 0 (Monday) to 6 (Sunday), comma-separated."
        if self.month_day == 0:
            errors["month_day"] = "Day of the month is 1 to 31, or -1 for the last day."
        if self.ends_on and self.count:
            errors["count"] = "Give an end date or a number of occurrences, not both."
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The end date cannot be before the start."
        if self.contact_id and self.client_id and self.contact.client_id != self.client_id:
            errors["contact"] = "The contact belongs to another client."
        if self.assignee_id and not self.assignee.is_msp_staff:
            errors["assignee"] = "Tickets are assigned to MSP staff."
        if errors:
            raise ValidationError(errors)

    def rule(self) -> rrule.rrule:
        """The occurrences, as aware datetimes at the time of day in the MSP's zone (08:00 stays 08:00 across DST)."""
        zone = ZoneInfo(settings.TIME_ZONE)
        options: dict = {"dtstart": datetime.combine(self.starts_on, self.time_of_day, tzinfo=zone),
                         "interval": self.interval}
        if self.ends_on:
            options["until"] = datetime.combine(self.ends_on, time.max, tzinfo=zone)
        elif self.count:
            options["count"] = self.count
        if self.frequency == Frequency.WEEKLY and self.weekdays:
            options["byweekday"] = self.weekday_numbers()
        if self.frequency == Frequency.MONTHLY and self.month_day:
            options["bymonthday"] = self.month_day
        return rrule.rrule(_RRULE_FREQ[self.frequency], **options)

    def upcoming(self, after: datetime, limit: int = 5) -> list[datetime]:
        """The next `limit` occurrences at or after `after`."""
        return list(self.rule().xafter(after, count=limit, inc=True))

    @staticmethod
    def day_of(moment: datetime) -> date:
        return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE)).date()

    def create_time(self, occurrence: datetime) -> datetime:
        return occurrence - timedelta(days=self.days_ahead)


class Occurrence(models.Model):
    """One day of a template that has been created: its ticket (and checklist run). Never two per day."""

    template = models.ForeignKey(RecurringTicket, on_delete=models.CASCADE, related_name="occurrences")
    occurs_on = models.DateField()
    occurs_at = models.DateTimeField()
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    checklist_run = models.ForeignKey(ChecklistRun, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurs_on"]
        constraints = [models.UniqueConstraint(fields=["template", "occurs_on"], name="occurrence_once_per_day")]

    def __str__(self) -> str:
        return f"{self.template.subject} on {self.occurs_on}"
