from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportRun(models.Model):
    """A CSV uploaded in the UI: checked first (dry run), then applied by a person; the file is kept as sent."""

    class Status(models.TextChoices):
        REFUSED = "refused", "Refused (errors)"
        CHECKED = "checked", "Checked, ready to apply"
        APPLIED = "applied", "Applied"

    kind = models.CharField(max_length=20)
    filename = models.CharField(max_length=255)
    content = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[[line, message], …] of the last run.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="import_runs")
    uploaded_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} import {self.filename}"
