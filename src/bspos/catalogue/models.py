from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from bspos.core.dates import in_force_q
from bspos.core.querysets import ClientOwnedQuerySet


class SevenCArea(models.TextChoices):
    """The 7C IT management framework areas (seed 002)."""

    CONTINUOUS = "continuous", "Continuous"
    COMPETENT = "competent", "Competent"
    CHARGED = "charged", "Charged"
    CONSCIOUS = "conscious", "Conscious"
    CONTROLLED = "controlled", "Controlled"
    CLEAR = "clear", "Clear"
    COST_EFFECTIVE = "cost_effective", "Cost effective"


class ServiceUnit(models.TextChoices):
    PER_USER = "per_user", "Per user"
    PER_DEVICE = "per_device", "Per device"
    FLAT = "flat", "Flat"
    PER_HOUR = "per_hour", "Per hour"


class Service(models.Model):
    """A catalogue service; an agreement's included services are its scope boundary."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=20, choices=ServiceUnit.choices, default=ServiceUnit.FLAT)
    area = models.CharField("7C area", max_length=20, choices=SevenCArea.choices, blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"),
                                validators=[MinValueValidator(0)],
                                help_text="List price per unit per month (per hour for hourly services).")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(price__gte=0), name="service_price_not_negative")]

    def __str__(self) -> str:
        return self.name


class Package(models.Model):
    """A service package (Silver, Gold, Platinum…) with a hard-edged list of what is included and what is extra."""

    name = models.CharField(max_length=100, unique=True)
    rank = models.PositiveSmallIntegerField(default=1, help_text="Order from basic to premium.")
    description = models.TextField(blank=True)
    services = models.ManyToManyField(Service, through="PackageService", related_name="packages")

    class Meta:
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class PackageService(models.Model):
    """One line of a package's definition: the service is either included in the price or sold as an extra."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="lines")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="package_lines")
    is_included = models.BooleanField(default=True, help_text="Included in the package price; otherwise extra.")
    limits = models.CharField(max_length=200, blank=True, help_text="The edge, e.g. 'business hours only'.")

    class Meta:
        ordering = ["package", "-is_included", "service__name"]
        constraints = [models.UniqueConstraint(fields=["package", "service"], name="one_line_per_service_in_package")]

    def __str__(self) -> str:
        return f"{self.package}: {self.service} ({'included' if self.is_included else 'extra'})"


class AppClass(models.TextChoices):
    """Seed 002: apps are classified by the difficulty of managing them."""

    LIGHT = "light", "Light"
    MEDIUM = "medium", "Medium"
    PRO = "pro", "Pro"


class VendorKind(models.TextChoices):
    GENERAL = "general", "General vendor"
    NICHE = "niche", "Niche vendor"


# Seed 002: general vendors leave 8-10% of the sales recurring, niche vendors 20-30%.
DEFAULT_COMMISSION = {VendorKind.GENERAL: Decimal("9.00"), VendorKind.NICHE: Decimal("25.00")}
PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class App(models.Model):
    """A cloud application in the marketplace: the MSP manages it for a flat fee per user and earns commission."""

    name = models.CharField(max_length=200, unique=True)
    vendor = models.CharField(max_length=200)
    vendor_kind = models.CharField(max_length=20, choices=VendorKind.choices, default=VendorKind.GENERAL)
    app_class = models.CharField("class", max_length=20, choices=AppClass.choices, default=AppClass.LIGHT)
    licence_price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"),
                                        validators=[MinValueValidator(0)],
                                        help_text="What the vendor charges per user per month; commission is a share.")
    commission_rate = models.DecimalField("commission %", max_digits=5, decimal_places=2, null=True, blank=True,
                                          validators=PERCENT,
                                          help_text="Empty: 9% for general vendors, 25% for niche vendors.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(licence_price__gte=0), name="app_licence_not_negative"),
            models.CheckConstraint(condition=Q(commission_rate__isnull=True)
                                   | Q(commission_rate__gte=0, commission_rate__lte=100),
                                   name="app_commission_is_a_percentage"),
        ]

    @property
    def effective_commission_rate(self) -> Decimal:
        if self.commission_rate is not None:
            return self.commission_rate
        return DEFAULT_COMMISSION.get(self.vendor_kind, DEFAULT_COMMISSION[VendorKind.GENERAL])

    def __str__(self) -> str:
        return f"{self.name} ({self.vendor})"


class AppFee(models.Model):
    """The flat monthly fee per app per user, set by app class and package (no package: the fee without one)."""

    app_class = models.CharField("class", max_length=20, choices=AppClass.choices)
    package = models.ForeignKey(Package, null=True, blank=True, on_delete=models.CASCADE, related_name="app_fees")
    fee_per_user = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["package__rank", "app_class"]
        constraints = [
            models.UniqueConstraint(fields=["app_class", "package"], name="one_fee_per_class_and_package"),
            models.UniqueConstraint(fields=["app_class"], condition=Q(package__isnull=True),
                                    name="one_fee_per_class_without_package"),
            models.CheckConstraint(condition=Q(fee_per_user__gte=0), name="app_fee_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_app_class_display()} / {self.package or 'no package'}: {self.fee_per_user}"


class QuantityDiscount(models.Model):
    """Managing more of a client's apps earns a discount on the app fees (seed 002)."""

    min_apps = models.PositiveSmallIntegerField(unique=True, validators=[MinValueValidator(2)])
    percent = models.DecimalField(max_digits=5, decimal_places=2, validators=PERCENT)

    class Meta:
        ordering = ["min_apps"]
        constraints = [models.CheckConstraint(condition=Q(percent__gte=0, percent__lte=100),
                                              name="discount_is_a_percentage")]

    def __str__(self) -> str:
        return f"{self.min_apps}+ apps: {self.percent}%"


class AppSubscriptionQuerySet(ClientOwnedQuerySet):
    def in_force(self, day) -> "AppSubscriptionQuerySet":
        """Subscriptions in force on `day`: started on or before it, not ended before it."""
        return self.filter(in_force_q(day))

    def in_force_during(self, first, last) -> "AppSubscriptionQuerySet":
        """Subscriptions in force on at least one day of first..last (a billing month)."""
        return self.filter(in_force_q(first, last))


class AppSubscription(models.Model):
    """A client's use of a marketplace app, with the number of users the MSP manages it for."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="app_subscriptions")
    app = models.ForeignKey(App, on_delete=models.PROTECT, related_name="subscriptions")
    users = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    objects = AppSubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["client", "app__name"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="subscription_end_not_before_start"),
            models.CheckConstraint(condition=Q(users__gte=1), name="subscription_has_users"),
        ]

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})

    def __str__(self) -> str:
        return f"{self.client}: {self.app.name} × {self.users}"
