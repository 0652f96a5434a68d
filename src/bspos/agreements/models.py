from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When

from bspos.catalogue.models import Package, Service
from bspos.clients.models import Client
from bspos.core.dates import in_force_q
from bspos.core.querysets import ClientOwnedQuerySet
from bspos.foundation.models import Solution
from bspos.sla.models import SlaPlan


class AgreementKind(models.TextChoices):
    PER_USER = "per_user", "Per user"
    PER_DEVICE = "per_device", "Per device"
    FLAT = "flat", "Flat / outcome-based"
    BLOCK_HOURS = "block_hours", "Block of hours"
    TIME_AND_MATERIALS = "time_materials", "Time & materials"


# When several agreements are in force on a ticket's day, its labour belongs to the one that covers support:
# per user, per device and flat first, then a block of hours, then time & materials; among those, the one that
# started last; on a tie, the one entered first.
COVERAGE_ORDER = [AgreementKind.PER_USER, AgreementKind.PER_DEVICE, AgreementKind.FLAT, AgreementKind.BLOCK_HOURS,
                  AgreementKind.TIME_AND_MATERIALS]


class AgreementQuerySet(ClientOwnedQuerySet):
    def in_force(self, day) -> "AgreementQuerySet":
        """Agreements in force on `day`: started on or before it, not ended before it."""
        return self.filter(in_force_q(day))

    def in_force_during(self, first, last) -> "AgreementQuerySet":
        """Agreements in force on at least one day of first..last (a billing month, a review period)."""
        return self.filter(in_force_q(first, last))

    def by_coverage(self) -> "AgreementQuerySet":
        order = Case(*[When(kind=kind, then=Value(rank)) for rank, kind in enumerate(COVERAGE_ORDER)],
                     default=Value(len(COVERAGE_ORDER)))
        return self.order_by(order, "-start_date", "pk")

    def governing(self, client, day) -> "Agreement | None":
        """The agreement a ticket of `client` opened on `day` belongs to (the rule above COVERAGE_ORDER)."""
        return self.filter(client=client).in_force(day).by_coverage().first()


class Agreement(models.Model):
    """What a client buys: price basis, term, SLA plan and the included services that bound its scope."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="agreements")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=AgreementKind.choices)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"),
                                     validators=[MinValueValidator(0)],
                                     help_text="Per user, per device, per month (flat) or per block.")
    quantity = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("1"),
                                   validators=[MinValueValidator(0)],
                                   help_text="Contracted quantity; per-user/per-device billing counts the real one.")
    hourly_rate = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0.00"),
                                      validators=[MinValueValidator(0)],
                                      help_text="Rate for time & materials and for hours beyond a block.")
    block_hours = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True,
                                      validators=[MinValueValidator(0)])
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(default=12)
    renewal_date = models.DateField(null=True, blank=True)
    sla_plan = models.ForeignKey(SlaPlan, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="agreements")
    included_services = models.ManyToManyField(Service, blank=True, related_name="agreements",
                                               help_text="The scope boundary: work on anything else is extra.")
    package = models.ForeignKey(Package, null=True, blank=True, on_delete=models.PROTECT, related_name="agreements",
                                help_text="The package sold; it sets the app fees and what is included.")
    solution = models.ForeignKey(Solution, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="agreements", help_text="The outcome-named solution this delivers.")
    monthly_value = models.DecimalField(
        "value delivered per month", max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
        help_text="What the client gains each month; the pricing ceiling is one third of it.")  # seed 000, pricing
    notes = models.TextField(blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["client", "-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="agreement_end_not_before_start"),
            models.CheckConstraint(condition=Q(unit_price__gte=0) & Q(quantity__gte=0) & Q(hourly_rate__gte=0),
                                   name="agreement_amounts_not_negative"),
            models.CheckConstraint(condition=~Q(kind=AgreementKind.BLOCK_HOURS) | Q(block_hours__gt=0),
                                   name="block_agreement_has_hours"),
        ]

    def clean(self) -> None:
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date cannot be before the start date."
        if self.kind == AgreementKind.BLOCK_HOURS and not self.block_hours:
            errors["block_hours"] = "A block-of-hours agreement needs the number of hours in the block."
        if self.term_months is not None and not 1 <= self.term_months <= 600:
            errors["term_months"] = "The term must be 1 to 600 months."
        if errors:
            raise ValidationError(errors)

    def __str__(self) -> str:
        return f"{self.client} — {self.name}"
