"""The dispatch board: schedule entries by technician, conflicts, and iCalendar feeds."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Greatest, Least
from django.utils import timezone

from bspos.clients.models import Site
from bspos.core.permissions import Can, can

MAX_ENTRY = timedelta(hours=24)  # longer work is one entry per day, so each day's board stays readable


class Location(models.TextChoices):
    ON_SITE = "on_site", "On site"
    REMOTE = "remote", "Remote"


class ScheduleEntryQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ScheduleEntryQuerySet":
        """The MSP's own plan: every staff member reads it; a client contact reaches none (404)."""
        return self if can(user, Can.DESK_READ) else self.none()

    def during(self, starts, ends) -> "ScheduleEntryQuerySet":
        """Entries overlapping the span [starts, ends) (an entry ending exactly at `starts` does not)."""
        return self.filter(starts_at__lt=ends, ends_at__gt=starts)

    def in_conflict_with(self, *, technician_id: int, starts, ends, exclude_pk: int | None = None):
        """A technician's other entries that overlap [starts, ends): the one conflict rule, for a form and the board."""
        return self.filter(technician_id=technician_id).during(starts, ends).exclude(pk=exclude_pk)

    def with_conflicts(self) -> "ScheduleEntryQuerySet":
        """Annotate `has_conflict`: the technician has another entry overlapping this one (in the database)."""
        others = ScheduleEntry.objects.filter(technician_id=OuterRef("technician_id"),
                                              starts_at__lt=OuterRef("ends_at"),
                                              ends_at__gt=OuterRef("starts_at")).exclude(pk=OuterRef("pk"))
        return self.annotate(has_conflict=Exists(others))

    def planned_minutes_by_technician(self, starts, ends) -> dict[int, int]:
        """Planned minutes per technician within [starts, ends): each entry's overlap with the span, summed."""
        overlap = (Least(F("ends_at"), models.Value(ends, output_field=models.DateTimeField()))
                   - Greatest(F("starts_at"), models.Value(starts, output_field=models.DateTimeField())))
        rows = (self.during(starts, ends).order_by().values("technician_id")
                .annotate(planned=Sum(overlap, output_field=models.DurationField())))
        return {row["technician_id"]: int(row["planned"].total_seconds() // 60) for row in rows}


class ScheduleEntry(models.Model):
    """A technician booked for a span of time: on a ticket, or internal work with a title; on site or remote."""

    technician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="schedule_entries")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    ticket = models.ForeignKey("servicedesk.Ticket", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="schedule_entries")
    task = models.ForeignKey("projects.Task", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="schedule_entries", help_text="The project task the time is planned for.")
    title = models.CharField(max_length=200, blank=True,
                             help_text="What the time is for; required for internal work (no ticket or task).")
    location = models.CharField(max_length=10, choices=Location.choices, default=Location.REMOTE)
    site = models.ForeignKey("clients.Site", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="schedule_entries", help_text="The client's site an on-site visit is at.")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    emailed_at = models.DateTimeField(null=True, blank=True, help_text="When the contact was last emailed it.")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScheduleEntryQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name_plural = "schedule entries"
        # the board and the conflict check: one technician's entries in a span
        indexes = [models.Index(fields=["technician", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="schedule_entry_ends_after_start"),
            models.CheckConstraint(condition=Q(ticket__isnull=False) | Q(task__isnull=False) | ~Q(title=""),
                                   name="schedule_entry_work_or_title"),
            models.CheckConstraint(condition=Q(ticket__isnull=True) | Q(task__isnull=True),
                                   name="schedule_entry_ticket_or_task"),
        ]

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at:
            if self.ends_at <= self.starts_at:
                errors["ends_at"] = "The end must be after the start."
            elif self.ends_at - self.starts_at > MAX_ENTRY:
                errors["ends_at"] = "An entry lasts at most 24 hours; add one per day for longer work."
        if self.ticket_id and self.task_id:
            errors["task"] = "Book the time for a ticket or for a project task, not both."
        elif not self.ticket_id and not self.task_id and not self.title.strip():
            errors["title"] = "Say what the time is for, or choose a ticket or a project task."
        client_id = self.work_client_id
        if self.site_id and client_id and self.site.client_id != client_id:
            errors["site"] = f"The site belongs to another client than the {self.work_noun}'s."
        if self.location == Location.ON_SITE and not self.site_id and client_id \
                and Site.objects.filter(client_id=client_id).exists():
            errors["site"] = "Choose the client's site for an on-site visit."
        if errors:
            raise ValidationError(errors)

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def work_client_id(self) -> int | None:
        """The client the work is for: the ticket's, or the project's of the task; None for internal work."""
        if self.ticket_id:
            return self.ticket.client_id
        if self.task_id:
            return self.task.project.client_id
        return None

    @property
    def work_noun(self) -> str:
        return "ticket" if self.ticket_id else "project task" if self.task_id else "internal work"

    @property
    def label(self) -> str:
        """What the board and the calendar show: the ticket or project task and its client, or the internal work's
        title."""
        if self.ticket_id:
            text = f"#{self.ticket.number} {self.ticket.subject} — {self.ticket.client.name}"
        elif self.task_id:
            project = self.task.project
            text = f"{project.reference} {self.task.name} — {project.client.name}"
        else:
            return self.title
        return f"{text}: {self.title}" if self.title else text

    def __str__(self) -> str:
        return f"{self.technician} {self.starts_at:%Y-%m-%d %H:%M}: {self.label}"


class CalendarFeed(models.Model):
    """A person's secret iCalendar address: only the token's hash is stored, so the link is shown once."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
