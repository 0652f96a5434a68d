from decimal import Decimal
from functools import cache
from zoneinfo import available_timezones

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q


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
