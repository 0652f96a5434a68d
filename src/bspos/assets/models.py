from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from bspos.clients.models import Client, Site
from bspos.core.querysets import ClientOwnedQuerySet


class AssetType(models.TextChoices):
    WORKSTATION = "workstation", "Workstation"
    LAPTOP = "laptop", "Laptop"
    SERVER = "server", "Server"
    VIRTUAL_MACHINE = "vm", "Virtual machine"
    NETWORK = "network", "Network device"
    FIREWALL = "firewall", "Firewall"
    PRINTER = "printer", "Printer"
    MOBILE = "mobile", "Mobile device"
    OTHER = "other", "Other"


class Lifecycle(models.TextChoices):
    ORDERED = "ordered", "Ordered"
    IN_STOCK = "in_stock", "In stock"
    ACTIVE = "active", "Active"
    MAINTENANCE = "maintenance", "In maintenance"
    RETIRED = "retired", "Retired"
    DISPOSED = "disposed", "Disposed"


OUT_OF_SERVICE = (Lifecycle.RETIRED, Lifecycle.DISPOSED)


class AssetQuerySet(ClientOwnedQuerySet):
    pass


class Asset(models.Model):
    """A configuration item at a client, from RMM sync or entered by hand."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assets")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="assets")
    asset_type = models.CharField("type", max_length=20, choices=AssetType.choices, db_index=True)
    name = models.CharField(max_length=200, help_text="Host name or label.")
    serial_number = models.CharField(max_length=100, blank=True)
    manufacturer = models.CharField(max_length=100, blank=True)
    model = models.CharField(max_length=100, blank=True)
    operating_system = models.CharField(max_length=100, blank=True)
    rmm_id = models.CharField("RMM id", max_length=100, null=True, blank=True)  # noqa: DJ001 (NULL: unique when set)
    last_seen = models.DateTimeField(null=True, blank=True)
    stale_since = models.DateTimeField(null=True, blank=True, editable=False,
                                       help_text="Set by RMM sync when the RMM has not seen it for N days.")
    purchased_on = models.DateField(null=True, blank=True)
    warranty_expires = models.DateField(null=True, blank=True)
    lifecycle = models.CharField(max_length=20, choices=Lifecycle.choices, default=Lifecycle.ACTIVE, db_index=True)
    retired_on = models.DateField(null=True, blank=True, help_text="The day it went out of service.")
    notes = models.TextField(blank=True)

    objects = AssetQuerySet.as_manager()

    class Meta:
        ordering = ["client", "name"]
        indexes = [models.Index(fields=["client", "lifecycle"]), models.Index(fields=["name"]),
                   # an alert names its host in any case: intake matches it with name__iexact (UPPER(name) = …)
                   models.Index(Upper("name"), name="asset_name_upper")]
        constraints = [
            models.CheckConstraint(
                condition=Q(warranty_expires__isnull=True) | Q(purchased_on__isnull=True)
                | Q(warranty_expires__gte=F("purchased_on")),
                name="warranty_not_before_purchase",
            ),
            models.CheckConstraint(
                condition=Q(retired_on__isnull=True) | Q(purchased_on__isnull=True)
                | Q(retired_on__gte=F("purchased_on")),
                name="retired_not_before_purchase",
            ),
            models.UniqueConstraint(fields=["rmm_id"], condition=Q(rmm_id__isnull=False),
                                    name="rmm_id_unique"),
        ]

    def clean(self) -> None:
        errors = {}
        if self.warranty_expires and self.purchased_on and self.warranty_expires < self.purchased_on:
            errors["warranty_expires"] = "The warranty cannot end before the purchase date."
        if self.retired_on and self.purchased_on and self.retired_on < self.purchased_on:
            errors["retired_on"] = "It cannot be retired before it was purchased."
        if self.site_id and self.client_id and self.site.client_id != self.client_id:
            errors["site"] = "The site belongs to another client."
        if self.rmm_id and Asset.objects.filter(rmm_id=self.rmm_id).exclude(pk=self.pk).exists():
            errors["rmm_id"] = "Another asset already has this RMM id."
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None) -> None:
        """Every constraint's rule is stated by `clean` with a clear message and enforced by the database; checking
        them again here would cost a query each."""

    def __str__(self) -> str:
        return self.name
