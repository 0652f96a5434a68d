"""What a person is told (in the app and by email), what they want to be told, and the tickets they watch."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from bspos.people.models import Role
from bspos.servicedesk.models import Ticket


class Event(models.TextChoices):
    ASSIGNED = "assigned", "A ticket is assigned to me"
    REPLIED = "replied", "A client or colleague replied on my ticket"
    WATCHED = "watched", "A ticket I watch changed (status, priority, assignee)"
    SLA_AT_RISK = "sla_at_risk", "SLA at risk on my ticket (managers: any ticket)"
    SLA_BREACHED = "sla_breached", "SLA breached on my ticket (managers: any ticket)"
    SLA_ESCALATED = "sla_escalated", "An SLA escalation rule names me"
    MENTIONED = "mentioned", "Someone mentioned me (@username) in an internal note"
    CRITICAL_ALERT = "critical_alert", "An alert opened a critical ticket"
    EXPIRING = "expiring", "A domain, certificate, licence, warranty or agreement of my clients ends soon"
    ROADMAP_DECIDED = "roadmap_decided", "A client approved or declined roadmap items I sent them"


# Everything in the app; a change on a watched ticket is the one event that is not worth an email by default.
EMAIL_BY_DEFAULT = frozenset(Event) - {Event.WATCHED}


def default_channels(event: str, role: str) -> tuple[bool, bool]:
    """(in_app, email) for a person who has not chosen: a technician opts in to critical alerts on tickets that are
    nobody's yet (managers get them), everything else is on, by email too for the events in EMAIL_BY_DEFAULT."""
    if event == Event.CRITICAL_ALERT and role == Role.TECHNICIAN:
        return False, False
    return True, event in EMAIL_BY_DEFAULT


class NotificationQuerySet(models.QuerySet):
    def for_recipient(self, user) -> "NotificationQuerySet":
        """One person's own notifications (nobody reads another's)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing one person was told in the app; the text and link are frozen when it is written."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=20, choices=Event.choices)
    # None for what is not about a ticket (a client's domain expiring): `url` then leads to the record.
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500, help_text="Where the notification leads (a path on this site).")
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # the bell's unread count (notifications.selectors.unread_count), polled every 30 s by every page
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            # the notifications page: one person's, newest first
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_recent"),
        ]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def __str__(self) -> str:
        return f"{self.recipient}: {self.text}"


class Preference(models.Model):
    """A person's choice for one event; without a row, `default_channels` applies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    event = models.CharField(max_length=20, choices=Event.choices)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="one_preference_per_user_event")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_event_display()}: in app {self.in_app}, email {self.email}"


class Watcher(models.Model):
    """A person following a ticket: they are told when it changes or someone replies."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="watchers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watched_tickets")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ticket", "created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="one_watcher_per_ticket_user")]

    def __str__(self) -> str:
        return f"{self.user} watches #{self.ticket.number}"
