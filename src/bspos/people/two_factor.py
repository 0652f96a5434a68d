"""The second factor: authenticator apps (TOTP) and recovery codes, through django-otp (no one-time-password code
of our own). A person with a confirmed device signs in with the password and then a code; BSPOS_REQUIRE_MFA makes
enrolment compulsory for every staff role (client contacts may enrol, never have to)."""

import base64
import secrets

import segno
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bspos.audit.models import AuditEvent
from bspos.people.models import User

RECOVERY_CODES = 10
RECOVERY_NAME = "Recovery codes"


def has_second_factor(user: User) -> bool:
    """Whether signing in asks this person for a code (an authenticator app confirmed, or recovery codes left)."""
    return user.is_authenticated and any(True for _ in devices_for_user(user, confirmed=True))


def must_enrol(user: User) -> bool:
    """Staff without a second factor while the install requires one."""
    return bool(settings.BSPOS_REQUIRE_MFA and user.is_authenticated and user.is_msp_staff
                and not TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def verify(user: User, code: str):
    """The device that accepts this code (a recovery code is used up), or None. Wrong codes slow the next try."""
    code = "".join((code or "").split()).lower()
    if not code or len(code) > 16:
        return None
    return match_token(user, code)


def authenticators(user: User):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_authenticator(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


@transaction.atomic
def start_authenticator(*, user: User, name: str) -> TOTPDevice:
    """A new, unconfirmed authenticator: its key is shown once as a QR code until a code from the app confirms it."""
    name = (name or "").strip() or "Authenticator app"
    if len(name) > 64:
        raise ValidationError({"name": "Give the app a shorter name (64 characters at most)."})
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=name, confirmed=False)


@transaction.atomic
def confirm_authenticator(*, user: User, code: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from the app; returns new recovery codes when it is the first
    second factor (shown once), else None. A wrong code changes nothing."""
    device = pending_authenticator(user)
    if device is None:
        raise ValidationError({"code": "Start by adding an authenticator app."})
    if not device.verify_token("".join((code or "").split())):
        raise ValidationError({"code": "That code is not right: type the six digits the app shows now."})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _audit(user, device, AuditEvent.Action.CREATED)
    if not StaticDevice.objects.filter(user=user, confirmed=True).exists():
        return new_recovery_codes(user=user)
    return None


@transaction.atomic
def new_recovery_codes(*, user: User) -> list[str]:
    """Ten fresh recovery codes (the old ones stop working); each signs in once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    _audit(user, device, AuditEvent.Action.CHANGED)
    return codes


@transaction.atomic
def remove_authenticator(*, user: User, device_id: int) -> None:
    """Remove one of one's authenticator apps; the last one cannot go while the install requires a second factor
    for staff, and with it go the recovery codes (they are no second factor on their own)."""
    device = TOTPDevice.objects.filter(user=user, pk=device_id, confirmed=True).first()
    if device is None:
        raise ValidationError("That authenticator is not one of yours.")
    last = not authenticators(user).exclude(pk=device.pk).exists()
    if last and settings.BSPOS_REQUIRE_MFA and user.is_msp_staff:
        raise ValidationError("Staff must keep a second factor here: add another app before removing this one.")
    _audit(user, device, AuditEvent.Action.DELETED)
    device.delete()
    if last:
        StaticDevice.objects.filter(user=user).delete()


def qr_svg_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// link as a QR code image (a data: URI the page's policy allows)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def secret_text(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for apps where the QR code cannot be scanned."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def _audit(user: User, device, action: str) -> None:
    """Who added or removed which second factor (the name only: keys and codes never enter the audit trail)."""
    AuditEvent.objects.create(actor=user, action=action, content_type=ContentType.objects.get_for_model(device),
                              object_id=device.pk, object_repr=f"{user}: {device.name}"[:250],
                              changes={"name": [None, device.name]})
