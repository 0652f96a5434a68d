"""Time sheets and their approval (my week, submit, approve).

A technician's week is their time entries from Monday 00:00 to the next Monday in the MSP's time zone
(`core.dates.week_start`); the week's sheet records its submission and the service manager's decision. The approval
itself is stamped on each entry (`servicedesk.TimeEntry.approved_at`), which is what locks it and what billing reads.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class SheetStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"


class TimeSheetQuerySet(models.QuerySet):
    def awaiting_decision(self) -> "TimeSheetQuerySet":
        """Submitted weeks the service manager has not approved or returned yet."""
        return self.filter(status=SheetStatus.SUBMITTED)


class TimeSheet(models.Model):
    """One person's week once it has been submitted; a week never submitted has no sheet (it is open)."""

    technician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_sheets")
    week = models.DateField(help_text="The Monday the week starts on.")
    status = models.CharField(max_length=20, choices=SheetStatus.choices, default=SheetStatus.SUBMITTED)
    submitted_at = models.DateTimeField()
    submitted_minutes = models.PositiveIntegerField(default=0, help_text="The week's total when last submitted.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    comment = models.TextField(blank=True, help_text="Why the week was returned, for the technician.")

    objects = TimeSheetQuerySet.as_manager()

    class Meta:
        ordering = ["-week", "technician__username"]
        constraints = [
            models.UniqueConstraint(fields=["technician", "week"], name="one_time_sheet_per_person_and_week"),
            models.CheckConstraint(condition=Q(status="submitted") | Q(decided_at__isnull=False),
                                   name="time_sheet_decision_has_a_time"),
        ]
        indexes = [models.Index(fields=["status", "week"])]

    def __str__(self) -> str:
        return f"{self.technician} week of {self.week:%Y-%m-%d} ({self.get_status_display()})"
