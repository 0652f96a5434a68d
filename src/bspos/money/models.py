"""Money (C2): invoices from the monthly billing run, where every billable minute went, direct costs."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from bspos.agreements.models import Agreement
from bspos.catalogue.models import AppSubscription
from bspos.clients.models import Client
from bspos.core.querysets import ClientOwnedQuerySet
from bspos.projects.models import Milestone, Project
from bspos.servicedesk.models import Ticket, TimeEntry


class InvoicePartQuerySet(ClientOwnedQuerySet):
    """Lines and time allocations belong to the invoice's client."""

    client_field = "invoice__client"


class BillingSettings(models.Model):
    """The MSP's own details printed on invoices, and the tax rate; one row (pk=1)."""

    company_name = models.CharField(max_length=200, default="Your MSP")
    company_address = models.TextField(blank=True)
    tax_id = models.CharField("tax id", max_length=50, blank=True, help_text="VAT or tax number printed on invoices.")
    tax_rate = models.DecimalField("tax rate %", max_digits=5, decimal_places=2, default=Decimal("0.00"),
                                   validators=[MinValueValidator(0), MaxValueValidator(100)])
    currency = models.CharField(max_length=3, default="USD", help_text="ISO 4217 code printed on invoices.")
    payment_terms_days = models.PositiveSmallIntegerField(default=30)
    bill_approved_time_only = models.BooleanField(
        "bill only approved time", default=False,
        help_text="The billing run leaves out time whose week the service manager has not approved yet, and says "
                  "so; it is billed when the month's draft is regenerated after approval.")

    class Meta:
        verbose_name_plural = "billing settings"
        constraints = [models.CheckConstraint(condition=Q(tax_rate__gte=0, tax_rate__lte=100),
                                              name="tax_rate_is_a_percentage")]

    @classmethod
    def current(cls) -> "BillingSettings":
        return cls.objects.get_or_create(pk=1)[0]

    def __str__(self) -> str:
        return f"{self.company_name} (tax {self.tax_rate}%)"


class CostBasis(models.TextChoices):
    PER_ASSET = "per_asset", "Per active asset"
    PER_USER = "per_user", "Per billable user"
    FLAT = "flat", "Flat per month"


class ToolCost(models.Model):
    """A per-client tool or licence cost the MSP carries (RMM agent, EDR, backup seat…), per month."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="tool_costs")
    name = models.CharField(max_length=200)
    basis = models.CharField(max_length=20, choices=CostBasis.choices, default=CostBasis.FLAT)
    unit_cost = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["client", "name"]
        constraints = [models.CheckConstraint(condition=Q(unit_cost__gte=0), name="tool_cost_not_negative")]

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})

    def __str__(self) -> str:
        return f"{self.client}: {self.name}"


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    CREDITED = "credited", "Credited"


class Invoice(models.Model):
    """One client's bill for one month. A draft may be regenerated; once issued it never changes."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(max_length=20, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    status = models.CharField(max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT,
                              db_index=True)
    number = models.PositiveIntegerField(null=True, blank=True, editable=False,
                                         help_text="Given when issued, from a gap-free sequence.")
    period_start = models.DateField(db_index=True)
    period_end = models.DateField()
    issued_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.00"))
    subtotal = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    tax = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    credits = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="credit_note", help_text="The invoice this credit note reverses.")
    reason = models.CharField(max_length=300, blank=True)
    # The document as sent: copied on issue (money.services.issue_invoices), never changed afterwards; a draft
    # shows today's settings and client instead (money.selectors.document).
    seller_name = models.CharField(max_length=200, blank=True)
    seller_address = models.TextField(blank=True)
    seller_tax_id = models.CharField(max_length=50, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(null=True, blank=True)
    bill_to_name = models.CharField(max_length=200, blank=True)
    bill_to_attention = models.CharField(max_length=201, blank=True)
    bill_to_address = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "client__name"]
        constraints = [
            # Idempotency: one live invoice per client and month, even under concurrent runs.
            models.UniqueConstraint(fields=["client", "period_start"],
                                    condition=Q(kind="invoice") & ~Q(status="credited"),
                                    name="one_live_invoice_per_client_and_month"),
            models.UniqueConstraint(fields=["kind", "number"], name="invoice_number_unique_per_kind"),
            models.CheckConstraint(condition=Q(status="draft", number__isnull=True)
                                   | (~Q(status="draft") & Q(number__isnull=False)),
                                   name="issued_invoices_have_a_number"),
        ]

    @property
    def display_number(self) -> str:
        if self.number is None:
            return "Draft"
        return f"{'CN' if self.kind == InvoiceKind.CREDIT_NOTE else 'INV'}-{self.number:06d}"

    def __str__(self) -> str:
        return f"{self.display_number} {self.client} {self.period_start:%Y-%m}"


class LineKind(models.TextChoices):
    RECURRING = "recurring", "Recurring"
    APP = "app", "App management"
    DISCOUNT = "discount", "Quantity discount"
    TIME = "time", "Billable time"
    OVERAGE = "overage", "Block overage"
    MILESTONE = "milestone", "Project milestone"


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=LineKind.choices)
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    minutes = models.PositiveIntegerField(null=True, blank=True, help_text="Billed minutes, for time lines.")
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subscription = models.ForeignKey(AppSubscription, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="invoice_lines", help_text="The fixed-fee milestone this line bills.")

    objects = InvoicePartQuerySet.as_manager()

    class Meta:
        ordering = ["invoice", "position"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class Bucket(models.TextChoices):
    BILLED = "billed", "Billed on an invoice"
    COVERED = "covered", "Covered by the agreement"


class TimeAllocation(models.Model):
    """Where the run put (part of) a billable time entry: billed on a line, or covered by the agreement."""

    time_entry = models.ForeignKey(TimeEntry, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="allocations")
    line = models.ForeignKey(InvoiceLine, null=True, blank=True, on_delete=models.CASCADE, related_name="allocations")
    bucket = models.CharField(max_length=20, choices=Bucket.choices)
    minutes = models.PositiveIntegerField()

    objects = InvoicePartQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gt=0), name="allocation_minutes_positive"),
            models.UniqueConstraint(fields=["time_entry", "invoice", "bucket"], name="one_allocation_per_bucket"),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min of entry {self.time_entry_id}: {self.bucket}"


class Commission(models.Model):
    """Vendor commission earned on a client's app subscription for a month: a revenue stream of its own."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="commissions")
    subscription = models.ForeignKey(AppSubscription, on_delete=models.CASCADE, related_name="commissions")
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="commissions")
    period_start = models.DateField(db_index=True)
    base = models.DecimalField(max_digits=12, decimal_places=2, help_text="Licence sales the commission is on.")
    rate = models.DecimalField(max_digits=5, decimal_places=2)
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start"]

    def __str__(self) -> str:
        return f"{self.client_id} {self.period_start:%Y-%m}: {self.amount}"


class BillingRun(models.Model):
    """A record of each run: what it created, skipped and could not bill, and why."""

    month = models.DateField(db_index=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    regenerate = models.BooleanField(default=False)
    created = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text="[{client, message}] of clients not billed.")
    left_out = models.JSONField(default=list, blank=True,
                                help_text="[{client, entries, minutes, reason}] of billable time the run left out.")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Billing run {self.month:%Y-%m} at {self.started_at:%Y-%m-%d %H:%M}"
