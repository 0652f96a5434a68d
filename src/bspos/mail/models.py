"""Mail in and out: every inbound message kept with its raw bytes, attachments, and the replies sent by email."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone

from bspos.core.querysets import client_owned


class MailStorage(FileSystemStorage):
    """Raw messages and attachments live under the data directory (BSPOS_DATA_DIR/mail), read when used."""

    @property
    def base_location(self) -> str:
        return str(settings.DATA_DIR / "mail")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def mail_storage() -> FileSystemStorage:
    return MailStorage()


class Outcome(models.TextChoices):
    TICKET = "ticket", "Opened a ticket"
    REPLY = "reply", "Threaded into a ticket"
    AUTO = "auto", "Auto-reply or bounce (ignored)"
    TRIAGE = "triage", "Unknown sender (triage)"
    QUARANTINED = "quarantined", "Could not be parsed (quarantined)"
    DISCARDED = "discarded", "Discarded from triage"


class InboundMessage(models.Model):
    """One message as it arrived; `key` (its Message-ID, else a hash of the bytes) makes ingesting idempotent."""

    key = models.CharField(max_length=255, unique=True,
                           help_text="Message-ID, or sha256 of the raw bytes when it has none.")
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    sender = models.CharField(max_length=254, blank=True, db_index=True)
    subject = models.CharField(max_length=250, blank=True)
    body = models.TextField(blank=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    raw = models.BinaryField(help_text="The message exactly as it arrived (kept in the same row: one transaction).")
    size = models.PositiveBigIntegerField(default=0)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, db_index=True)
    reason = models.TextField(blank=True, help_text="Why it was ignored, sent to triage or quarantined.")
    ticket = models.ForeignKey("servicedesk.Ticket", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="inbound_messages")
    note = models.ForeignKey("servicedesk.Note", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="inbound_messages")
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = client_owned("ticket__client").as_manager()  # a message belongs to its ticket's client

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sender or 'unknown sender'}: {self.subject or '(no subject)'}"


class Attachment(models.Model):
    message = models.ForeignKey(InboundMessage, on_delete=models.CASCADE, related_name="attachments")
    ticket = models.ForeignKey("servicedesk.Ticket", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    file = models.FileField(storage=mail_storage, upload_to="attachments/%Y/%m/", max_length=255)

    objects = client_owned("message__ticket__client").as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class OutboundMessage(models.Model):
    """A public reply sent by email; its Message-ID lets the client's answer thread back into the ticket."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    ticket = models.ForeignKey("servicedesk.Ticket", on_delete=models.CASCADE, related_name="outbound_messages")
    note = models.ForeignKey("servicedesk.Note", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="outbound_messages")
    message_id = models.CharField(max_length=255, unique=True)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices)
    error = models.TextField(blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    objects = client_owned("ticket__client").as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
