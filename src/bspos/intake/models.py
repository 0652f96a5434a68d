"""Monitoring alerts in (sources, deduplicated alerts), signed webhooks out (subscriptions, deliveries)."""

import uuid

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bspos.assets.models import Asset
from bspos.clients.models import Client
from bspos.core.querysets import client_owned
from bspos.servicedesk.models import Ticket
from bspos.sla.models import Priority

DEFAULT_SEVERITY_MAP = {"critical": Priority.CRITICAL, "high": Priority.HIGH, "error": Priority.HIGH,
                        "warning": Priority.MEDIUM, "info": Priority.LOW}


def default_severity_map() -> dict:
    return {key: int(value) for key, value in DEFAULT_SEVERITY_MAP.items()}


class AlertSource(models.Model):
    """Where alerts come from (an Alertmanager, an RMM): its own bearer token and its rules."""

    class Kind(models.TextChoices):
        ALERTMANAGER = "alertmanager", "Prometheus Alertmanager"
        GENERIC = "generic", "Generic JSON (RMM, scripts)"

    class Refire(models.TextChoices):
        REOPEN = "reopen", "Reopen the ticket"
        NEW_TICKET = "new", "Open a new ticket"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.GENERIC)
    token_prefix = models.CharField(max_length=16, blank=True, help_text="The first characters, to recognise it.")
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token; never the token.")
    severity_map = models.JSONField(default=default_severity_map, blank=True,
                                    help_text="Severity (lower case) → priority 1 (critical) to 4 (low).")
    default_priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.MEDIUM)
    resolve_on_resolved = models.BooleanField(default=True,
                                              help_text="A resolved alert resolves its open ticket.")
    refire = models.CharField("re-fire after resolution", max_length=10, choices=Refire.choices,
                              default=Refire.REOPEN)
    is_active = models.BooleanField(default=True)
    rate_per_minute = models.PositiveIntegerField(
        "requests a minute", null=True, blank=True, validators=[MinValueValidator(1)],
        help_text="Requests this source may send a minute (a minute's worth at once); "
                  "empty: the install's default (BSPOS_INTAKE_RATE_PER_MINUTE).")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def priority_for(self, severity: str) -> int:
        value = (self.severity_map or {}).get((severity or "").strip().lower())
        return int(value) if value in Priority.values else int(self.default_priority)

    def __str__(self) -> str:
        return self.name


class RateBucket(models.Model):
    """A source's token bucket (the intake rate limit): `tokens` left at `refilled_at`, refilled at the source's
    rate a second up to a minute's worth. Its own row, so saving the source never overwrites the count.

    `refilled_at` is seconds since the epoch, so one UPDATE can compute the refill in SQL on SQLite and PostgreSQL.
    """

    source = models.OneToOneField(AlertSource, on_delete=models.CASCADE, related_name="rate_bucket")
    tokens = models.FloatField()
    refilled_at = models.FloatField()

    def __str__(self) -> str:
        return f"{self.source}: {self.tokens:.1f} left"


class Alert(models.Model):
    """One alert of a source, deduplicated by its fingerprint (Alertmanager) or key (generic JSON).

    A firing alert opens one ticket; repeats count; without a matching asset it waits in the unassigned queue.
    """

    class State(models.TextChoices):
        FIRING = "firing", "Firing"
        RESOLVED = "resolved", "Resolved"

    source = models.ForeignKey(AlertSource, on_delete=models.PROTECT, related_name="alerts")
    fingerprint = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, db_index=True)
    severity = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=250)
    details = models.TextField(blank=True)
    host = models.CharField(max_length=200, blank=True, help_text="Host, instance or RMM device id as sent.")
    labels = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=500, blank=True, help_text="Generator or RMM URL.")
    asset = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts")
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts")
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts")
    count = models.PositiveIntegerField(default=1, help_text="Notifications received (repeats included).")
    fire_count = models.PositiveIntegerField(default=1, help_text="Times it started firing.")
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = client_owned("client").as_manager()

    class Meta:
        ordering = ["-last_seen", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "fingerprint"], name="alert_unique_fingerprint")]
        indexes = [models.Index(fields=["client", "state"], name="alert_client_state")]

    @property
    def is_unassigned(self) -> bool:
        return self.client_id is None

    def __str__(self) -> str:
        return f"{self.title} ({self.get_state_display().lower()})"


class Event(models.TextChoices):
    TICKET_CREATED = "ticket.created", "Ticket created"
    TICKET_UPDATED = "ticket.updated", "Ticket updated"
    TICKET_RESOLVED = "ticket.resolved", "Ticket resolved"
    ALERT_RECEIVED = "alert.received", "Alert received"
    INVOICE_ISSUED = "invoice.issued", "Invoice issued"


class Subscription(models.Model):
    """An outside system that wants to hear about events: each one is POSTed to its URL, signed with its secret."""

    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list, help_text="Event names, e.g. ticket.created.")
    secret = models.CharField(max_length=100, help_text="Shared secret for the HMAC-SHA256 signature.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """One event to one subscription: persisted with the change, then sent (and retried) by the task worker."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=Event.choices, db_index=True)
    body = models.TextField(help_text="The exact JSON sent (frozen when the event happened).")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="HTTP status of the last try.")
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [models.CheckConstraint(condition=Q(state="pending") | Q(attempts__gte=1),
                                              name="delivery_done_after_an_attempt")]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription} ({self.state})"
