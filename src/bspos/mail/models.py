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
    """One email bspos sends, kept in the outbox exactly as it goes out (raw MIME); the mail job delivers it over SMTP
    with retries. A reply's Message-ID lets the client's answer thread back into the ticket."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed, will retry"
        GAVE_UP = "gave_up", "Gave up"
        HELD = "held", "Not sent: no mail server configured"

    ticket = models.ForeignKey("servicedesk.Ticket", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="outbound_messages")
    note = models.ForeignKey("servicedesk.Note", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="outbound_messages")
    message_id = models.CharField(max_length=255, unique=True)
    from_email = models.CharField(max_length=254, blank=True)
    to = models.TextField(help_text="Recipients, comma-separated.")
    cc = models.TextField(blank=True)
    bcc = models.TextField(blank=True, help_text="Not in the message's headers; delivered to all the same.")
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    raw = models.BinaryField(blank=True, default=b"", help_text="The message exactly as it is (or would be) sent.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="The mail server's answer to the last attempt.")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = client_owned("ticket__client").as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # the mail job's sweep: due messages (mail.tasks.send_outbox)
            models.Index(fields=["next_attempt_at"], name="outbound_due",
                         condition=models.Q(state__in=["pending", "failed"])),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"

    def recipients(self) -> list[str]:
        return [a.strip() for a in f"{self.to},{self.cc},{self.bcc}".split(",") if a.strip()]


class MailOAuth(models.Model):
    """The IMAP mailbox's OAuth2 sign-in (XOAUTH2), one row: present means the fetch signs in with a bearer token
    instead of BSPOS_IMAP_PASSWORD. Secrets are sealed (mail/secrets.py), never shown back."""

    class Grant(models.TextChoices):
        CLIENT_CREDENTIALS = "client_credentials", "Client credentials (Microsoft 365 app-only)"
        REFRESH_TOKEN = "refresh_token", "Refresh token (Google)"

    grant = models.CharField(max_length=20, choices=Grant.choices)
    token_url = models.URLField(max_length=500)
    client_id = models.CharField(max_length=255)
    scope = models.CharField(max_length=500, blank=True)
    client_secret_sealed = models.TextField(blank=True)
    refresh_token_sealed = models.TextField(blank=True)
    access_token_sealed = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, help_text="The token endpoint's or IMAP server's last refusal.")
    last_error_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"OAuth2 ({self.get_grant_display()}) via {self.token_url}"
