"""Facts per closed month, stored so the owner's figures read a few thousand rows instead of every ticket and time
entry. Each row is what `rollups.facts` computes from the raw rows for that month; `RollupMonth` says whether the
stored rows are still that (see docs/rollups.md)."""

from datetime import timedelta

from django.conf import settings
from django.db import models


class RollupMonth(models.Model):
    """A closed month: `changes` counts every change to its inputs; the rows are fresh while `built_changes`
    (the count they were built at) equals it."""

    month = models.DateField(unique=True)
    changes = models.PositiveBigIntegerField(default=0)
    built_changes = models.PositiveBigIntegerField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def fresh(self) -> bool:
        return self.built_changes == self.changes


class ClientMonth(models.Model):
    """A client's month: revenue by stream, labour, and its tickets (opened by creation, resolved by resolution)."""

    month = models.DateField()
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    revenue = models.DecimalField(max_digits=14, decimal_places=2, default=0)  # invoices net of credit notes
    invoices = models.PositiveIntegerField(default=0)  # of kind invoice
    commission = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    labour_minutes = models.PositiveBigIntegerField(default=0)
    labour_rate_minutes = models.DecimalField(max_digits=20, decimal_places=2, default=0)  # ÷ 60 = labour cost
    billable_minutes = models.PositiveBigIntegerField(default=0)
    out_of_scope_minutes = models.PositiveBigIntegerField(default=0)
    opened = models.PositiveIntegerField(default=0)
    opened_escalated = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolution_time = models.DurationField(default=timedelta)  # summed over the resolved tickets
    resolved_with_sla = models.PositiveIntegerField(default=0)
    resolved_sla_met = models.PositiveIntegerField(default=0)
    resolved_with_time = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "client"], name="rollup_client_month_once")]

    def __str__(self) -> str:
        return f"{self.client_id} {self.month:%Y-%m}"


class TechnicianMonth(models.Model):
    """A person's time in a month."""

    month = models.DateField()
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    minutes = models.PositiveBigIntegerField(default=0)
    ticket_minutes = models.PositiveBigIntegerField(default=0)
    out_of_scope_minutes = models.PositiveBigIntegerField(default=0)
    account_minutes = models.PositiveBigIntegerField(default=0)  # account management and sales
    billable_minutes = models.PositiveBigIntegerField(default=0)
    labour_rate_minutes = models.DecimalField(max_digits=20, decimal_places=2, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "technician"], name="rollup_technician_month_once")]

    def __str__(self) -> str:
        return f"{self.technician_id} {self.month:%Y-%m}"


class DeskMonth(models.Model):
    """Tickets of a month by assignee (none: unassigned) and priority: opened, escalated, resolved and how fast."""

    month = models.DateField(db_index=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    priority = models.PositiveSmallIntegerField()
    opened = models.PositiveIntegerField(default=0)
    opened_escalated = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolution_time = models.DurationField(default=timedelta)
    resolved_with_sla = models.PositiveIntegerField(default=0)
    resolved_sla_met = models.PositiveIntegerField(default=0)
    resolved_with_time = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} P{self.priority} {self.assignee_id or 'unassigned'}"
