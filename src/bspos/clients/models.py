from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from bspos.core.dates import FiscalQuarter, fiscal_quarter
from bspos.core.querysets import ClientOwnedQuerySet


class ClientQuerySet(ClientOwnedQuerySet):
    client_field = "pk"  # a contact sees their own company only


class SiteQuerySet(ClientOwnedQuerySet):
    pass


class ContactQuerySet(ClientOwnedQuerySet):
    pass


class ClientStatus(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    ACTIVE = "active", "Active"
    CHURNED = "churned", "Churned"


class ServiceTier(models.TextChoices):
    SILVER = "silver", "Silver"
    GOLD = "gold", "Gold"
    PLATINUM = "platinum", "Platinum"


MONTHS = [(n, name) for n, name in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
     "December"], start=1)]


class Client(models.Model):
    """A company the MSP serves or courts; tenure and churn are computed from its dates."""

    name = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=20, choices=ClientStatus.choices, default=ClientStatus.PROSPECT,
                              db_index=True)
    vertical = models.CharField(max_length=100, blank=True, db_index=True,
                                help_text="Industry / ideal-client-profile segment, e.g. Legal, Healthcare.")
    service_tier = models.CharField(max_length=20, choices=ServiceTier.choices, blank=True, db_index=True)
    prospect_since = models.DateField(null=True, blank=True)
    client_since = models.DateField(null=True, blank=True, help_text="Start of the first agreement.")
    churned_on = models.DateField(null=True, blank=True)
    churn_reason = models.CharField(max_length=300, blank=True, help_text="Why the client left, in its words.")
    account_manager = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="managed_clients")
    fiscal_year_start = models.PositiveSmallIntegerField(
        "fiscal year starts in", choices=MONTHS, default=1, blank=True,
        help_text="The month the client's financial year begins; roadmaps, budgets and forecasts follow it.")
    phone = models.CharField(max_length=50, blank=True)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ClientStatus.ACTIVE) | Q(client_since__isnull=False),
                name="active_client_has_start_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=ClientStatus.CHURNED) | Q(churned_on__isnull=False, client_since__isnull=False),
                name="churned_client_has_dates",
            ),
            models.CheckConstraint(
                condition=Q(churned_on__isnull=True) | Q(client_since__isnull=True)
                | Q(churned_on__gte=F("client_since")),
                name="churn_not_before_start",
            ),
            models.CheckConstraint(condition=Q(fiscal_year_start__gte=1, fiscal_year_start__lte=12),
                                   name="fiscal_year_starts_in_a_month"),
        ]

    def clean(self) -> None:
        errors = {}
        if not self.fiscal_year_start:  # left empty on a form: the calendar year
            self.fiscal_year_start = 1
        if self.status == ClientStatus.ACTIVE and not self.client_since:
            errors["client_since"] = "An active client needs the date it became a client."
        if self.status == ClientStatus.CHURNED:
            if not self.churned_on:
                errors["churned_on"] = "A churned client needs the date it left."
            if not self.client_since:
                errors["client_since"] = "A churned client needs the date it became a client."
        if self.churned_on and self.client_since and self.churned_on < self.client_since:
            errors["churned_on"] = "The churn date cannot be before the date it became a client."
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None) -> None:
        """Every check constraint's rule is stated by `clean` with a clear message and enforced by the database;
        checking them again here would cost a query each (a third of a 30,000-row import)."""

    def __str__(self) -> str:
        return self.name

    def fiscal_quarter(self, day: date) -> FiscalQuarter:
        """The client's fiscal quarter `day` falls in (core.dates)."""
        return fiscal_quarter(day, self.fiscal_year_start)


class Site(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 country code, e.g. GB.")
    time_zone = models.CharField(max_length=64, blank=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["client", "name"]
        constraints = [models.UniqueConstraint(fields=["client", "name"], name="site_name_unique_per_client")]

    def __str__(self) -> str:
        return f"{self.client} — {self.name}"


class Contact(models.Model):
    """A person at a client; `is_billable_user` counts them for per-user agreements."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=50, blank=True)
    job_title = models.CharField(max_length=100, blank=True)
    is_primary = models.BooleanField(default=False)
    is_billable_user = models.BooleanField(default=True, help_text="Counts as a user on per-user agreements.")
    is_active = models.BooleanField(default=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="contact", help_text="Portal login of this contact.")

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["client", "last_name", "first_name"]
        indexes = [models.Index(fields=["client", "is_active", "is_billable_user"])]

    def clean(self) -> None:
        if self.site_id and self.client_id and self.site.client_id != self.client_id:
            raise ValidationError({"site": "The site belongs to another client."})

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def __str__(self) -> str:
        return f"{self.name} ({self.client})"
