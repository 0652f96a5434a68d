"""The second factor: authenticator apps (TOTP), passkeys (WebAuthn, people.passkeys) and recovery codes, through
django-otp and django-otp-webauthn (no one-time-password or WebAuthn code of our own). A person with a second factor
signs in with the password and then a code or a passkey; BSPOS_REQUIRE_MFA makes enrolment compulsory for every staff
role (client contacts may enrol, never have to). Recovery codes are stored as digests only (people.RecoveryCodes)."""

import base64
import secrets

import segno
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from bspos.audit.models import AuditEvent
from bspos.people.models import RecoveryCode, RecoveryCodes, User, recovery_code_digest

RECOVERY_CODES = 10
RECOVERY_NAME = "Recovery codes"
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread on paper


def has_authenticator(user: User) -> bool:
    """An authenticator app or a passkey: the factors that count as "has a second factor" on their own."""
    return (TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists())


def has_second_factor(user: User) -> bool:
    """Whether signing in asks this person for a second factor (an app or passkey, or recovery codes left)."""
    return bool(user.is_authenticated and (has_authenticator(user) or recovery_codes_left(user)))


def must_enrol(user: User) -> bool:
    """Staff without a second factor while the install requires one."""
    return bool(settings.BSPOS_REQUIRE_MFA and user.is_authenticated and user.is_msp_staff
                and not has_authenticator(user))


def verify(user: User, code: str):
    """The device that accepts this code (six digits: an authenticator app; letters: a recovery code, then used up),
    or None. Wrong codes slow the next try on that device (django-otp's throttling)."""
    code = "".join(ch for ch in (code or "").lower() if ch.isalnum())
    if not code or len(code) > 32:
        return None
    devices = (authenticators(user) if code.isdigit()
               else RecoveryCodes.objects.filter(user=user, confirmed=True))
    with transaction.atomic():
        for device in devices.select_for_update():
            if device.verify_token(code):
                return device
    return None


def authenticators(user: User):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")


def passkeys(user: User):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk")


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count()


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
    if not recovery_codes_left(user):
        return new_recovery_codes(user=user)
    return None


def _recovery_code() -> str:
    """16 characters from a 31-letter alphabet (about 79 random bits), shown in groups of four: xxxx-xxxx-xxxx-xxxx."""
    text = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(16))
    return "-".join(text[i:i + 4] for i in range(0, 16, 4))


@transaction.atomic
def new_recovery_codes(*, user: User) -> list[str]:
    """Ten fresh recovery codes, returned once to be shown once (only their digests are kept; the old codes stop
    working); each signs in once. Only for a person with an authenticator app or passkey."""
    if not has_authenticator(user):
        raise ValidationError("Add an authenticator app or a passkey first: recovery codes stand in for one.")
    device, _ = RecoveryCodes.objects.get_or_create(user=user, defaults={"name": RECOVERY_NAME, "confirmed": True})
    device.codes.all().delete()
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create([RecoveryCode(device=device, digest=recovery_code_digest(code)) for code in codes])
    _audit(user, device, AuditEvent.Action.CHANGED)
    return codes


def _refuse_last_if_required(user: User, *, others_left: bool) -> None:
    if not others_left and settings.BSPOS_REQUIRE_MFA and user.is_msp_staff:
        raise ValidationError("Staff must keep a second factor here: add another app or passkey before removing this.")


@transaction.atomic
def remove_authenticator(*, user: User, device_id: int) -> None:
    """Remove one of one's authenticator apps; the last second factor cannot go while the install requires one for
    staff, and with it go the recovery codes (they are no second factor on their own)."""
    device = TOTPDevice.objects.filter(user=user, pk=device_id, confirmed=True).first()
    if device is None:
        raise ValidationError("That authenticator is not one of yours.")
    others_left = authenticators(user).exclude(pk=device.pk).exists() or passkeys(user).exists()
    _refuse_last_if_required(user, others_left=others_left)
    _audit(user, device, AuditEvent.Action.DELETED)
    device.delete()
    if not others_left:
        RecoveryCodes.objects.filter(user=user).delete()


@transaction.atomic
def remove_passkey(*, user: User, passkey_id: int) -> None:
    """Remove one of one's passkeys (the same rule as for an authenticator app)."""
    passkey = passkeys(user).filter(pk=passkey_id).first()
    if passkey is None:
        raise ValidationError("That passkey is not one of yours.")
    others_left = passkeys(user).exclude(pk=passkey.pk).exists() or authenticators(user).exists()
    _refuse_last_if_required(user, others_left=others_left)
    _audit(user, passkey, AuditEvent.Action.DELETED)
    passkey.delete()
    if not others_left:
        RecoveryCodes.objects.filter(user=user).delete()


def record_passkey_added(*, user: User, passkey: WebAuthnCredential) -> None:
    """The audit line for a passkey registered through django-otp-webauthn's ceremony (people.passkeys)."""
    _audit(user, passkey, AuditEvent.Action.CREATED)


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
