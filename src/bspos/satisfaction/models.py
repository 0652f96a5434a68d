"""Satisfaction surveys: one per resolution of a ticket, sent to its contact, answered with one click.

Only a hash of the link's token is stored; the token itself lives in the email alone.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bspos.clients.models import Contact
from bspos.core.querysets import ClientOwnedQuerySet
from bspos.servicedesk.models import Ticket

CHANGE_DAYS = 7  # an answer can be changed for 7 days after it was first given, then it is read-only
RESEND_DAYS = 7  # a ticket reopened and resolved again within 7 days of its survey gets no second one
ANSWER_DAYS = 30  # an unanswered link expires 30 days after it was sent
COMMENT_LENGTH = 4000


class Score(models.TextChoices):
    GOOD = "good", "Good"
    OKAY = "okay", "Okay"
    BAD = "bad", "Bad"


class SurveyQuerySet(ClientOwnedQuerySet):
    """Staff who read the desk see every rating; a client contact sees none (the results are the MSP's)."""

    client_field = "ticket__client"

    def contact_filter(self) -> Q:
        return Q(pk__in=[])

    def answered(self) -> "SurveyQuerySet":
        return self.exclude(score="")


class Survey(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="surveys")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys")
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="surveys", help_text="Who the ticket was assigned to when resolved.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)
    score = models.CharField(max_length=4, choices=Score.choices, blank=True, db_index=True)
    comment = models.TextField(blank=True, max_length=COMMENT_LENGTH)
    answered_at = models.DateTimeField(null=True, blank=True, help_text="When the contact first answered.")
    changed_at = models.DateTimeField(null=True, blank=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["ticket", "sent_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(score="") | Q(answered_at__isnull=False),
                                   name="survey_answer_has_a_time"),
        ]

    def __str__(self) -> str:
        return f"Rating of #{self.ticket.number}"

    @property
    def changeable_until(self):
        return self.answered_at + timedelta(days=CHANGE_DAYS) if self.answered_at else None

    def changeable(self, now=None) -> bool:
        """Open to a first answer, or to a change within CHANGE_DAYS of the first one."""
        now = now or timezone.now()
        return self.answered_at is None or now < self.changeable_until

    def expired(self, now=None) -> bool:
        """An unanswered link stops working ANSWER_DAYS after it was sent."""
        now = now or timezone.now()
        return self.answered_at is None and now >= self.sent_at + timedelta(days=ANSWER_DAYS)
