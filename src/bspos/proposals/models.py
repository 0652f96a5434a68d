"""PASTA proposals and quotes (seed 000, "a prescriptive sales process"): Problem, Accentuate, Solution,
Transformation, Amazing offer, in that order; the offer's lines from the catalogue and the solution, checked by
the pricing guard before the proposal can be sent; versions; a public link (only its hash stored) where the
prospect accepts or declines. The yearly pricing review (seed 000: "if no client is pushing back, you're
underpriced") lives here too, its pushback rate computed from the proposals and the agreements' renewals.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from bspos.catalogue.models import App, Package, Service
from bspos.clients.models import Client
from bspos.core.money import cents, maybe_places
from bspos.core.permissions import Can, can
from bspos.foundation.models import Solution

LINK_DAYS = 30  # a proposal link is valid this long after sending, unless the author sets another expiry


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProposalQuerySet":
        """Account managers and the owner (`vcio`) see the proposals; nobody else, a client contact never."""
        return self if can(user, Can.VCIO) else self.none()


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    REVISED = "revised", "Revised (a newer version replaces it)"


class Proposal(models.Model):
    """One version of a proposal for a lead in the funnel or an existing client."""

    title = models.CharField(max_length=200)
    lead = models.ForeignKey("scorecard.Opportunity", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="proposals", help_text="The funnel lead it is for.")
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals",
                               help_text="The client it is for (created on acceptance for a new lead).")
    company = models.CharField("prospect company", max_length=200)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    solution = models.ForeignKey(Solution, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="proposals")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    # P — the diagnosed business problem and what it costs a year (entered before any offer)
    problem = models.TextField(blank=True)
    problem_cost_per_year = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True,
                                                validators=[MinValueValidator(0)])
    # A — the consequences of doing nothing
    accentuate = models.TextField("consequences of doing nothing", blank=True)
    # S — the solution prescribed
    solution_text = models.TextField("the solution", blank=True)
    # T — the measurable after-state
    transformation = models.TextField("the measurable after-state", blank=True)
    # A — the amazing offer: the lines below; the guard needs the direct cost of delivering them
    direct_cost_per_month = models.DecimalField("estimated direct cost per month", max_digits=12, decimal_places=2,
                                                null=True, blank=True, validators=[MinValueValidator(0)])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    version = models.PositiveSmallIntegerField(default=1)
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="next_version")
    override_reason = models.CharField(max_length=300, blank=True,
                                       help_text="The owner's reason for sending below the pricing floor.")
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by_name = models.CharField(max_length=200, blank=True)
    decision_comment = models.TextField(blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(lead__isnull=False) | Q(client__isnull=False),
                                   name="proposal_for_a_lead_or_a_client"),
            models.CheckConstraint(condition=~Q(status__in=["sent", "accepted", "declined"]) | Q(sent_at__isnull=False),
                                   name="proposal_sent_has_a_date"),
            models.CheckConstraint(condition=Q(decided_at__isnull=True) | Q(decided_at__gte=F("sent_at")),
                                   name="proposal_decided_after_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title} v{self.version}"

    @property
    def number(self) -> str:
        return f"P-{(self.first_version_id or self.pk or 0):05d}"

    @property
    def first_version_id(self) -> int | None:
        first = self
        while first.previous_id and first.previous is not None:
            first = first.previous
        return first.pk

    @property
    def days_to_decision(self) -> Decimal | None:
        """Days from sending to the prospect's decision, to one place (none until decided)."""
        if self.decided_at is None or self.sent_at is None:
            return None
        return maybe_places(Decimal((self.decided_at - self.sent_at).total_seconds()) / 86400, "0.1")

    def expired(self, today: date) -> bool:
        return self.status == Status.SENT and self.expires_on is not None and self.expires_on < today


class LineKind(models.TextChoices):
    PACKAGE = "package", "Package"
    SERVICE = "service", "Service"
    APP = "app", "Managed app"
    CUSTOM = "custom", "Other"


class ProposalLine(models.Model):
    """One line of the offer: monthly or one-time, from the catalogue (package, service or managed app) or written
    in; the quantity discount of the catalogue applies to managed apps."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=10, choices=LineKind.choices, default=LineKind.CUSTOM)
    package = models.ForeignKey(Package, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    app = models.ForeignKey(App, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("1"),
                                   validators=[MinValueValidator(0)])
    unit_price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    monthly = models.BooleanField(default=True, help_text="Monthly; otherwise one-time.")
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"),
                                           validators=[MinValueValidator(0), MaxValueValidator(100)])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["proposal", "position", "pk"]
        constraints = [models.CheckConstraint(condition=Q(unit_price__gte=0) & Q(quantity__gte=0),
                                              name="proposal_line_not_negative")]

    def __str__(self) -> str:
        return self.description

    @property
    def amount(self) -> Decimal:
        return cents(self.quantity * self.unit_price * (100 - self.discount_percent) / 100)


class PricingReview(models.Model):
    """The yearly pricing review: when it was held, what was decided, and the pushback it was held against (the
    proposals sent and the agreements up for renewal in the 12 months before, kept as they were that day)."""

    year = models.PositiveSmallIntegerField(unique=True)
    held_on = models.DateField()
    decision = models.TextField(help_text="What changed in the prices, and why.")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    proposals_sent = models.PositiveIntegerField(default=0, editable=False)
    proposals_pushback = models.PositiveIntegerField(default=0, editable=False, help_text="Declined or renegotiated.")
    renewals_due = models.PositiveIntegerField(default=0, editable=False)
    renewals_pushback = models.PositiveIntegerField(default=0, editable=False,
                                                    help_text="Renegotiated cheaper or not renewed.")
    pushback_rate = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True, editable=False,
                                        help_text="Pushback of proposals and renewals together, in percent.")

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"Pricing review {self.year}"
