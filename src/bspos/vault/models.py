"""Credentials per client, sealed with envelope encryption (see ``crypto``), their access trail and share links."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bspos.core.permissions import Can, can, contact_client_id


class CredentialQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CredentialQuerySet":
        """Staff with vault.read see every client's credentials; a contact only those shared to their company."""
        if can(user, Can.VAULT_READ):
            return self
        company = contact_client_id(user)
        if company is None:
            return self.none()
        return self.filter(client_id=company, shared_with_client=True)

    def of_client(self, client) -> "CredentialQuerySet":
        return self.filter(client=client)

    def not_rotated_since(self):
        """Oldest first by the date the secret was last changed (set, or marked rotated)."""
        return self.annotate(last_changed=models.functions.Coalesce("rotated_at", "created_at")).order_by(
            "last_changed", "pk")

    def with_reuse(self):
        """Flag a secret that another credential holds too, compared by keyed hash in the database."""
        others = Credential.objects.filter(reuse_hash=models.OuterRef("reuse_hash")).exclude(pk=models.OuterRef("pk"))
        return self.annotate(reused=models.Exists(others.exclude(reuse_hash="")))


class Folder(models.Model):
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="credential_folders")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["client", "name"], name="vault_folder_unique_name")]

    def __str__(self) -> str:
        return self.name


class Credential(models.Model):
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="credentials")
    folder = models.ForeignKey(Folder, null=True, blank=True, on_delete=models.SET_NULL, related_name="credentials")
    name = models.CharField(max_length=200)
    username = models.CharField(max_length=200, blank=True)
    url = models.CharField("URL", max_length=500, blank=True)
    tags = models.CharField(max_length=300, blank=True, help_text="Comma-separated words, e.g. firewall, admin")
    shared_with_client = models.BooleanField(default=False, help_text="The client's contacts may see and reveal it")
    # The row's seal binds every ciphertext to this credential (crypto's associated data).
    seal = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key_id = models.CharField(max_length=40, editable=False)
    wrapped_key = models.BinaryField(editable=False)
    secret_sealed = models.BinaryField(editable=False)
    notes_sealed = models.BinaryField(editable=False, default=b"")
    totp_sealed = models.BinaryField(editable=False, default=b"")
    has_totp = models.BooleanField(default=False, editable=False)
    strength = models.PositiveSmallIntegerField(null=True, editable=False, help_text="zxcvbn score 0 (weak) – 4")
    reuse_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    rotated_at = models.DateTimeField(null=True, blank=True, help_text="When the secret was last changed")
    assets = models.ManyToManyField("assets.Asset", blank=True, related_name="credentials")
    contacts = models.ManyToManyField("clients.Contact", blank=True, related_name="credentials")
    tickets = models.ManyToManyField("servicedesk.Ticket", blank=True, related_name="credentials")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CredentialQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["client", "name"], name="vault_cred_client_name")]

    def __str__(self) -> str:
        return self.name

    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    @property
    def changed_at(self):
        return self.rotated_at or self.created_at

    def days_since_rotation(self, now=None) -> int:
        return ((now or timezone.now()) - self.changed_at).days


class Access(models.Model):
    """Who revealed, copied or read the TOTP code of which credential, when and from which address."""

    class Action(models.TextChoices):
        REVEAL = "reveal", "Revealed"
        COPY = "copy", "Copied"
        TOTP = "totp", "TOTP code"
        SHARE_VIEW = "share_view", "Viewed through a share link"
        SHARE_DENIED = "share_denied", "Share link refused (wrong passphrase)"

    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="accesses")
    # which link a share view (or a refused passphrase) came through: its maker, its view count
    share_link = models.ForeignKey("ShareLink", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=12, choices=Action.choices)
    address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        # at_risk_after_offboarding: a user's reveals, newest per credential
        indexes = [models.Index(fields=["user", "credential", "at"], name="vault_access_user_cred")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.credential_id} by {self.user_id} at {self.at:%Y-%m-%d %H:%M}"


class ShareLink(models.Model):
    """A link to one secret for someone without a login: expiry, a view limit, an optional passphrase."""

    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    max_views = models.PositiveIntegerField(default=1)
    views = models.PositiveIntegerField(default=0)
    passphrase_hash = models.CharField(max_length=200, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(views__lte=models.F("max_views")),
                                              name="vault_share_views_within_limit")]

    def __str__(self) -> str:
        return f"Share of {self.credential_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    def is_valid(self, now=None) -> bool:
        return self.revoked_at is None and self.views < self.max_views and self.expires_at > (now or timezone.now())

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.views >= self.max_views:
            return "used"
        return "expired" if self.expires_at <= timezone.now() else "active"
