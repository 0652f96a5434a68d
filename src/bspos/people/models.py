import hashlib
from decimal import Decimal
from functools import cache
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django_otp.models import Device, ThrottlingMixin, TimestampMixin


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    SERVICE_MANAGER = "manager", "Service manager"
    TECHNICIAN = "technician", "Technician"
    VCIO = "vcio", "vCIO / account manager"
    FINANCE = "finance", "Finance"
    CLIENT_CONTACT = "contact", "Client contact"


STAFF_ROLES = (Role.OWNER, Role.SERVICE_MANAGER, Role.TECHNICIAN, Role.VCIO, Role.FINANCE)


@cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA time zones a person can choose (from zoneinfo), sorted by name."""
    return tuple(sorted(available_timezones()))


def validate_time_zone(value: str) -> None:
    if value and value not in time_zone_names():
        raise ValidationError("“%(zone)s” is not a time zone; choose one from the list, e.g. Europe/Berlin.",
                              code="invalid_time_zone", params={"zone": value})


class BsposUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `bspos createsuperuser` is how a real install creates its owner.
        extra_fields.setdefault("role", Role.OWNER)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """Everyone who signs in: the MSP's people (with a role and, for technicians, a tier) and client contacts."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.TECHNICIAN, db_index=True)
    tier = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=[(1, "Tier 1"), (2, "Tier 2"), (3, "Tier 3")],
        help_text="Technical tier for people who work tickets.",
    )
    weekly_hours = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("40"), validators=[MinValueValidator(0)],
        help_text="Contracted hours per week; utilisation is measured against it.",
    )
    time_zone = models.CharField(
        max_length=64, blank=True, default="", validators=[validate_time_zone],
        help_text="Dates and times are shown in this zone; blank uses the MSP's.",
    )

    leadership_team = models.BooleanField(
        default=False, help_text="Sits on the leadership team: edits the Hats Chart, meetings, rocks and the plan.",
    )

    objects = BsposUserManager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(tier__isnull=True) | Q(tier__in=[1, 2, 3]), name="user_tier_1_to_3"),
        ]

    @property
    def is_msp_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Rate(models.Model):
    """Cost and bill rate per hour from a date on; history is kept, time entries copy the rate in force."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="rates")
    effective_from = models.DateField()
    cost_rate = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])
    bill_rate = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["user", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["user", "effective_from"], name="one_rate_per_user_per_day"),
            models.CheckConstraint(condition=Q(cost_rate__gte=0) & Q(bill_rate__gte=0), name="rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.user} from {self.effective_from}: cost {self.cost_rate}, bill {self.bill_rate}"


def recovery_code_digest(code: str) -> str:
    """SHA-256 of a recovery code as typed (spaces, dashes and case ignored). Each code carries 80 random bits, so a
    leaked digest cannot be turned back into a code by guessing; a slow password hash would add nothing."""
    return hashlib.sha256("".join(ch for ch in code.lower() if ch.isalnum()).encode()).hexdigest()


class RecoveryCodes(TimestampMixin, ThrottlingMixin, Device):
    """A person's recovery codes, as one django-otp device: each code signs in once and only its digest is stored
    (django-otp's own static device keeps them in plain text). Wrong codes slow the next try like a wrong TOTP."""

    class Meta:
        verbose_name = verbose_name_plural = "recovery codes"

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def verify_token(self, token) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        used = self.codes.filter(digest=recovery_code_digest(str(token))).delete()[0]
        if used:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
        else:
            self.throttle_increment()
        return bool(used)


class RecoveryCode(models.Model):
    """One unused recovery code, by its digest (recovery_code_digest)."""

    device = models.ForeignKey(RecoveryCodes, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "digest"], name="recovery_code_once_per_device")]

    def __str__(self) -> str:
        return f"recovery code of {self.device.user}"
