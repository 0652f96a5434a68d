"""Writes of the vault: credentials sealed on save, reveals written to the access trail, share links counted
atomically, the key rotated in one transaction, imports all or nothing."""

import base64
import binascii
import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from axes.helpers import get_client_ip_address
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from zxcvbn import zxcvbn

from bspos.audit.models import AuditEvent
from bspos.audit.services import snapshot
from bspos.vault import crypto
from bspos.vault.models import Access, Credential, Folder, ShareLink

FIELDS = ("name", "username", "url", "tags", "folder", "shared_with_client", "rotated_at")
SEALED = {"seal", "key_id", "wrapped_key", "secret_sealed", "notes_sealed", "totp_sealed", "reuse_hash"}
SHARE_SHORTEST, SHARE_LONGEST, SHARE_MOST_VIEWS = timedelta(minutes=30), timedelta(days=30), 100


class StoredSeedTOTP(pyotp.TOTP):
    """pyotp refuses seeds under 112 bits (NIST's rule for issuers); the vault holds seeds other services issued,
    often 80 bits (16 base32 characters), and must show their codes all the same."""

    def byte_secret(self) -> bytes:
        return base64.b32decode(self.secret + "=" * (-len(self.secret) % 8), casefold=True)


@dataclass(frozen=True)
class Opened:
    secret: str
    notes: str
    totp_seed: str


def address_of(request) -> str | None:
    """The caller's address as django-axes reads it (REMOTE_ADDR, or the forwarded one behind a known proxy)."""
    return get_client_ip_address(request) or None


# --- sealing ----------------------------------------------------------------------------------------------------

def normalise_totp_seed(seed: str) -> str:
    """A base32 seed (spaces and case ignored) or an otpauth:// URI; ValidationError when it is neither."""
    seed = (seed or "").strip()
    if not seed:
        return ""
    if seed.lower().startswith("otpauth://"):
        try:
            seed = pyotp.parse_uri(seed).secret
        except ValueError:
            raise ValidationError({"totp_seed": "That otpauth:// link does not parse."}) from None
    seed = seed.replace(" ", "").upper()
    try:
        if len(base64.b32decode(seed + "=" * (-len(seed) % 8))) < 10:
            raise ValueError("too short")
    except (binascii.Error, ValueError):
        raise ValidationError({"totp_seed": "A TOTP seed is base32 (letters A–Z and digits 2–7), at least 16 "
                                            "characters."}) from None
    return seed


def strength_of(secret: str) -> int | None:
    # zxcvbn slows with length (~15 ms at 16 characters, ~45 at 30); past 32 a secret scores on its first 32
    return zxcvbn(secret[:32])["score"] if secret else None


_CHECKED: set[tuple[str, bytes]] = set()


def check_current_key(ring: crypto.Keyring) -> None:
    """Refuse to seal with a current key that does not open the rows already sealed under its id (a wrong key
    configured under the right name would otherwise write secrets nobody can read back with the real one)."""
    if (ring.current_id, ring.current) in _CHECKED:
        return
    sample = Credential.objects.filter(key_id=ring.current_id).only("seal", "key_id", "wrapped_key").first()
    if sample is not None:
        crypto.unwrap(sample.key_id, sample.wrapped_key, str(sample.seal), ring)
    _CHECKED.add((ring.current_id, ring.current))


def seal(credential: Credential, opened: Opened, ring: crypto.Keyring | None = None, *, score=strength_of) -> None:
    """Encrypt the secret, notes and TOTP seed under a fresh data key, wrapped by the current vault key."""
    ring = ring or crypto.keyring()
    check_current_key(ring)
    data_key, row = crypto.new_data_key(), str(credential.seal)
    credential.key_id, credential.wrapped_key = crypto.wrap(data_key, row, ring)
    credential.secret_sealed = crypto.encrypt_field(data_key, row, "secret", opened.secret)
    credential.notes_sealed = crypto.encrypt_field(data_key, row, "notes", opened.notes) if opened.notes else b""
    credential.totp_sealed = crypto.encrypt_field(data_key, row, "totp", opened.totp_seed) if opened.totp_seed else b""
    credential.has_totp = bool(opened.totp_seed)
    credential.strength = score(opened.secret)
    credential.reuse_hash = crypto.reuse_hash(opened.secret, ring)


def open_credential(credential: Credential, ring: crypto.Keyring | None = None) -> Opened:
    """The plain secret, notes and seed; VaultKeyError when the key is missing or wrong (nothing half-shown)."""
    row = str(credential.seal)
    data_key = crypto.unwrap(credential.key_id, credential.wrapped_key, row, ring)
    return Opened(crypto.decrypt_field(data_key, row, "secret", credential.secret_sealed),
                  crypto.decrypt_field(data_key, row, "notes", credential.notes_sealed),
                  crypto.decrypt_field(data_key, row, "totp", credential.totp_sealed))


def _audit(actor, credential: Credential, before: dict | None, *, deleted: bool = False) -> None:
    """The audit trail's entry without the ciphertexts (bytes, and meaningless to a reader): which fields changed."""
    after = {} if deleted else {k: v for k, v in snapshot(credential).items() if k not in SEALED}
    before = {k: v for k, v in (before or {}).items() if k not in SEALED} if before is not None else None
    if deleted:
        action, changes = AuditEvent.Action.DELETED, {k: [v, None] for k, v in (before or {}).items()}
    elif before is None:
        action, changes = AuditEvent.Action.CREATED, {k: [None, v] for k, v in after.items() if v not in (None, "")}
    else:
        action = AuditEvent.Action.CHANGED
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    AuditEvent.objects.create(actor=actor if getattr(actor, "is_authenticated", False) else None, action=action,
                              content_type=ContentType.objects.get_for_model(Credential), object_id=credential.pk,
                              object_repr=str(credential)[:250], changes=changes)


def _validate(credential: Credential) -> None:
    if credential.folder_id and credential.folder.client_id != credential.client_id:
        raise ValidationError({"folder": "That folder belongs to another client."})
    credential.full_clean(exclude=["client", "assets", "contacts", "tickets"])


def _link(credential: Credential, assets, contacts, tickets) -> None:
    for name, rows in (("assets", assets), ("contacts", contacts), ("tickets", tickets)):
        if rows is None:
            continue
        if any(row.client_id != credential.client_id for row in rows):
            raise ValidationError({name: f"Linked {name} must belong to {credential.client}."})
        getattr(credential, name).set(rows)


# --- credentials ------------------------------------------------------------------------------------------------

def create_credential(*, by, client, name: str, secret: str, username: str = "", url: str = "", notes: str = "",
                      totp_seed: str = "", tags: str = "", folder: Folder | None = None,
                      shared_with_client: bool = False, assets=None, contacts=None, tickets=None,
                      now: datetime | None = None) -> Credential:
    """A new credential, sealed before it is written; refused whole when the vault key is missing."""
    credential = Credential(client=client, name=name, username=username, url=url, tags=tags, folder=folder,
                            shared_with_client=shared_with_client, created_by=by if getattr(by, "pk", None) else None,
                            rotated_at=now or timezone.now())
    if not secret:
        raise ValidationError({"secret": "Enter the secret."})
    opened = Opened(secret, notes, normalise_totp_seed(totp_seed))
    seal(credential, opened)
    _validate(credential)
    with transaction.atomic():
        credential.save()
        _link(credential, assets, contacts, tickets)
        _audit(by, credential, None)
    return credential


def update_credential(credential: Credential, *, by, secret: str | None = None, notes: str | None = None,
                      totp_seed: str | None = None, assets=None, contacts=None, tickets=None,
                      now: datetime | None = None, **changes) -> Credential:
    """Change fields; a new secret (or notes, or seed) is resealed under a fresh data key, a new secret dates
    the rotation. An empty `secret` keeps the stored one."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")
    before = snapshot(Credential.objects.get(pk=credential.pk))
    for name, value in changes.items():
        setattr(credential, name, value)
    if secret or notes is not None or totp_seed is not None:
        current = open_credential(credential)
        new_seed = normalise_totp_seed(totp_seed) if totp_seed is not None else current.totp_seed
        seal(credential, Opened(secret or current.secret, current.notes if notes is None else notes, new_seed))
        if secret and secret != current.secret:
            credential.rotated_at = now or timezone.now()
    _validate(credential)
    with transaction.atomic():
        credential.save()
        _link(credential, assets, contacts, tickets)
        _audit(by, credential, before)
    return credential


@transaction.atomic
def mark_rotated(credential: Credential, *, by, now: datetime | None = None) -> Credential:
    """The secret was changed where it is used (and typed in here): it leaves the at-risk and oldest lists."""
    before = snapshot(credential)
    credential.rotated_at = now or timezone.now()
    credential.save(update_fields=["rotated_at", "updated_at"])
    _audit(by, credential, before)
    return credential


@transaction.atomic
def delete_credential(credential: Credential, *, by) -> None:
    before, pk = snapshot(credential), credential.pk
    credential.delete()
    credential.pk = pk
    _audit(by, credential, before, deleted=True)


def folder_named(client, name: str) -> Folder | None:
    name = (name or "").strip()[:100]
    return Folder.objects.get_or_create(client=client, name=name)[0] if name else None


# --- reveal -----------------------------------------------------------------------------------------------------

def reveal(credential: Credential, *, by, address: str | None, action: str = Access.Action.REVEAL) -> str:
    """The plain secret, written to the access trail (who, when, from where, what). The caller checks re-auth."""
    opened = open_credential(credential)
    Access.objects.create(credential=credential, user=by, action=action, address=address)
    return opened.secret


def totp_code(credential: Credential, *, by, address: str | None, now: datetime | None = None) -> tuple[str, int]:
    """The current TOTP code and the seconds it stays valid, written to the access trail."""
    opened = open_credential(credential)
    if not opened.totp_seed:
        raise ValidationError("This credential has no TOTP seed.")
    moment = (now or timezone.now()).timestamp()
    totp = StoredSeedTOTP(opened.totp_seed)
    Access.objects.create(credential=credential, user=by, action=Access.Action.TOTP, address=address)
    # Rounded up: a code with 0.3 s left is shown as 1 s, never as 0 while it is still valid.
    return totp.at(moment), math.ceil(totp.interval - moment % totp.interval)


# --- share links ------------------------------------------------------------------------------------------------

class ShareRefused(Exception):
    """The link reveals nothing: expired, used up, revoked, unknown, or the passphrase is wrong."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_share_link(credential: Credential, *, by, expires_in: timedelta, max_views: int = 1,
                      passphrase: str = "", now: datetime | None = None) -> tuple[ShareLink, str]:
    """A link to this one secret; returns the row and the token (shown once, only its hash is stored)."""
    if not SHARE_SHORTEST <= expires_in <= SHARE_LONGEST:
        raise ValidationError({"expires_in": "A share link lasts from 30 minutes to 30 days."})
    if not 1 <= max_views <= SHARE_MOST_VIEWS:
        raise ValidationError({"max_views": f"A share link allows 1 to {SHARE_MOST_VIEWS} views."})
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        link = ShareLink.objects.create(credential=credential, token_hash=_token_hash(token), max_views=max_views,
                                        expires_at=(now or timezone.now()) + expires_in, created_by=by,
                                        passphrase_hash=make_password(passphrase) if passphrase else "")
        _audit_share(by, link, AuditEvent.Action.CREATED, {
            "credential": [None, credential.name], "expires_at": [None, link.expires_at.isoformat()],
            "max_views": [None, max_views], "passphrase": [None, "yes" if passphrase else "no"]})
    return link, token


def _audit_share(actor, link: ShareLink, action: str, changes: dict) -> None:
    """A share link's entry in the audit trail: never its token's or passphrase's hash."""
    AuditEvent.objects.create(actor=actor if getattr(actor, "is_authenticated", False) else None, action=action,
                              content_type=ContentType.objects.get_for_model(ShareLink), object_id=link.pk,
                              object_repr=f"Share link to {link.credential.name}"[:250], changes=changes)


def revoke_share_link(link: ShareLink, *, by, now: datetime | None = None) -> ShareLink:
    now = now or timezone.now()
    with transaction.atomic():
        if ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=now):
            _audit_share(by, link, AuditEvent.Action.CHANGED, {"revoked_at": [None, now.isoformat()]})
    link.refresh_from_db()
    return link


def share_link_for(token: str) -> ShareLink | None:
    return ShareLink.objects.select_related("credential").filter(token_hash=_token_hash(token or "")).first()


def open_share_link(token: str, *, passphrase: str = "", address: str | None = None,
                    now: datetime | None = None) -> tuple[Credential, str]:
    """Count one view and give the secret, only while the link is valid. The count is one conditional UPDATE, so
    two concurrent views of a one-view link cannot both win."""
    now = now or timezone.now()
    link = share_link_for(token)
    if link is None or not link.is_valid(now):
        raise ShareRefused("This link has expired, been used or been revoked.")
    if link.passphrase_hash and not check_password(passphrase or "", link.passphrase_hash):
        Access.objects.create(credential=link.credential, share_link=link, action=Access.Action.SHARE_DENIED,
                              address=address, at=now)
        raise ShareRefused("That passphrase is not right.")
    with transaction.atomic():
        counted = ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True, expires_at__gt=now,
                                           views__lt=F("max_views")).update(views=F("views") + 1)
        if not counted:
            raise ShareRefused("This link has expired, been used or been revoked.")
        views = ShareLink.objects.values_list("views", flat=True).get(pk=link.pk)
        secret = open_credential(link.credential).secret
        # who (the link and its maker: the viewer has no login), when, from where, and the count
        Access.objects.create(credential=link.credential, share_link=link, action=Access.Action.SHARE_VIEW,
                              address=address, at=now)
        _audit_share(None, link, AuditEvent.Action.CHANGED, {"views": [views - 1, views],
                                                             "viewed_from": [None, address]})
    return link.credential, secret


# --- the key ----------------------------------------------------------------------------------------------------

def rotate_key(*, batch: int = 2000) -> int:
    """Re-wrap every data key not under the current vault key (and recompute the reuse hashes, whose key derives
    from it), in one transaction, in batches; returns how many. Fails whole when an old key is missing."""
    ring = crypto.keyring()
    done, last = 0, 0
    with transaction.atomic():
        while True:
            rows = list(Credential.objects.filter(pk__gt=last).exclude(key_id=ring.current_id).order_by("pk")
                        .only("pk", "seal", "key_id", "wrapped_key", "secret_sealed")[:batch])
            if not rows:
                return done
            for credential in rows:
                row = str(credential.seal)
                data_key = crypto.unwrap(credential.key_id, credential.wrapped_key, row, ring)
                secret = crypto.decrypt_field(data_key, row, "secret", credential.secret_sealed)
                credential.key_id, credential.wrapped_key = crypto.wrap(data_key, row, ring)
                credential.reuse_hash = crypto.reuse_hash(secret, ring)
            # One parameterised UPDATE per row, sent as a batch (Django's bulk_update builds a CASE per field:
            # too slow for 100,000 rows).
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {Credential._meta.db_table} SET key_id = %s, wrapped_key = %s, reuse_hash = %s "
                    "WHERE id = %s",
                    [(c.key_id, c.wrapped_key, c.reuse_hash, c.pk) for c in rows])
            done, last = done + len(rows), rows[-1].pk
