"""Strategic Business Reviews (seed 000): one every 90 days per active client, on a 60-minute agenda."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bspos.assets.models import AssetType
from bspos.clients.models import Client
from bspos.core.querysets import ClientOwnedQuerySet

CADENCE_DAYS = 90  # an SBR every 90 days (seed 000)
PACK_DAYS = 90  # the pack covers the 90 days before the meeting, against the 90 before that
MEETING_MINUTES = 60  # the agenda's length (seed 000)

# The agenda of seed 000: (key, title, minutes).
AGENDA = [
    ("objectives", "Previous objectives", 10),
    ("business", "The client's business", 25),
    ("trends", "Trends and observations", 10),
    ("recommendations", "Recommendations", 10),
    ("next_steps", "Next steps", 5),
]


class ReviewQuerySet(ClientOwnedQuerySet):
    def contact_filter(self) -> Q:
        """A client's contacts read only the reports published to them, of reviews held."""
        return Q(status=Review.Status.HELD, published_at__isnull=False)


class ReviewPartQuerySet(ClientOwnedQuerySet):
    """Recommendations and next steps: visible with the review they belong to."""

    client_field = "review__client"

    def contact_filter(self) -> Q:
        return Q(review__status=Review.Status.HELD, review__published_at__isnull=False)


class Review(models.Model):
    """One SBR: due 90 days after the last one held (or after onboarding), then scheduled, held or missed."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        MISSED = "missed", "Missed"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="reviews")
    vcio = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="reviews", verbose_name="vCIO")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED, db_index=True)
    due_on = models.DateField(db_index=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True, help_text="Room, address or video link.")
    held_on = models.DateField(null=True, blank=True)
    period_start = models.DateField(null=True, blank=True, editable=False,
                                    help_text="First day the data pack covers; fixed when the review is held.")
    period_end = models.DateField(null=True, blank=True, editable=False,
                                  help_text="Last day the data pack covers; fixed when the review is held.")
    business_goals = models.TextField(blank=True, help_text="What would make the business more successful?")
    business_challenges = models.TextField(blank=True)
    observations = models.TextField(blank=True, help_text="The vCIO's reading of the trends.")
    pack = models.JSONField(null=True, blank=True, editable=False,
                            help_text="The data pack as it was when the review was held: the report keeps it.")
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["client", "status", "due_on"])]
        constraints = [
            # One open (planned) review per client: planning twice never duplicates.
            models.UniqueConstraint(fields=["client"], condition=Q(status="planned"), name="one_planned_review"),
            models.CheckConstraint(condition=Q(status="held", held_on__isnull=False) | ~Q(status="held"),
                                   name="held_review_has_date"),
        ]

    def __str__(self) -> str:
        return f"SBR {self.client} due {self.due_on:%d %b %Y}"

    @property
    def on_time(self) -> bool:
        """Held on or before its due date; a review held late is not on time."""
        return self.status == self.Status.HELD and self.held_on is not None and self.held_on <= self.due_on

    def meeting_day(self, today: date) -> date:
        """The day the pack is measured up to: the day it was held or is scheduled, or today while it is ahead."""
        if self.held_on:
            return self.held_on
        if self.scheduled_at:
            return min(timezone.localtime(self.scheduled_at).date(), today)
        return today


class Recommendation(models.Model):
    """A recommendation with the four parts seed 000 asks for, and the client's decision on it."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Not decided"
        ACCEPTED = "accepted", "Accepted"
        DEFERRED = "deferred", "Deferred"
        DECLINED = "declined", "Declined"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="recommendations")
    title = models.CharField(max_length=300)
    area = models.CharField(max_length=100, default="General", help_text="The 7C area or theme it belongs to.")
    business_problem = models.TextField()
    roi = models.DecimalField("ROI per year", max_digits=12, decimal_places=2, default=Decimal("0"),
                              validators=[MinValueValidator(0)], help_text="Money saved or earned per year.")
    roi_basis = models.CharField("how the ROI is reached", max_length=300, blank=True)
    one_time = models.DecimalField("one-time investment", max_digits=12, decimal_places=2, default=Decimal("0"),
                                   validators=[MinValueValidator(0)])
    monthly = models.DecimalField("monthly investment", max_digits=12, decimal_places=2, default=Decimal("0"),
                                  validators=[MinValueValidator(0)])
    quarter = models.DateField("timeline", help_text="First day of the quarter it is planned for.")
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    suggestion = models.CharField(max_length=100, blank=True, editable=False,
                                  help_text="The evidence rule that suggested it; empty when written by hand.")
    roadmap_item = models.OneToOneField("vcio.RoadmapItem", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="recommendation")
    position = models.PositiveSmallIntegerField(default=0)

    objects = ReviewPartQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "suggestion"], condition=~Q(suggestion=""),
                                    name="one_suggestion_per_rule"),
            models.CheckConstraint(condition=Q(roi__gte=0, one_time__gte=0, monthly__gte=0),
                                   name="recommendation_amounts_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # Each recommendation carries a business problem, an ROI, an investment and a timeline (seed 000).
        errors = {}
        if not (self.business_problem or "").strip():
            errors["business_problem"] = "Say which business problem it solves."
        if not (self.roi or 0) > 0 and not (self.roi_basis or "").strip():
            errors["roi"] = "Give the return per year, or say in words how it pays back."
        if not ((self.one_time or 0) > 0 or (self.monthly or 0) > 0):
            errors["one_time"] = "Give the investment: one-time, monthly or both."
        if errors:
            raise ValidationError(errors)


class NextStep(models.Model):
    """A next step agreed at the end of the meeting; reviewed as a previous objective at the next SBR."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="next_steps")
    description = models.CharField(max_length=300)
    owner = models.CharField(max_length=100, help_text="Who does it: a person at the client or the MSP.")
    due_on = models.DateField()
    done = models.BooleanField(default=False)

    objects = ReviewPartQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description


class RefreshPolicy(models.Model):
    """How long a kind of hardware lasts and what replacing it costs; per client where it differs."""

    asset_type = models.CharField(max_length=20, choices=AssetType.choices)
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="refresh_policies", help_text="Empty: the default for every client.")
    max_age_months = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    replacement_value = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name_plural = "refresh policies"
        ordering = ["asset_type", "client"]
        constraints = [
            models.UniqueConstraint(fields=["asset_type"], condition=Q(client__isnull=True),
                                    name="one_default_refresh_policy"),
            models.UniqueConstraint(fields=["asset_type", "client"], name="one_refresh_policy_per_client"),
        ]

    def __str__(self) -> str:
        return f"{self.get_asset_type_display()}: {self.max_age_months} months"


class PlanSettings(models.Model):
    """A client's settings for the plan bspos reports to it: the price rise expected at each agreement renewal
    (the budget forecast) and whether its primary contacts get the monthly summary (opt-in)."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="plan_settings")
    renewal_increase = models.DecimalField(
        "price rise at renewal (%)", max_digits=5, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Each agreement's fee rises by this much at every renewal in the budget forecast.")
    monthly_summary = models.BooleanField(
        "send the monthly summary", default=False,
        help_text="The client's primary contacts get last month's summary (PDF) by email early each month.")

    class Meta:
        verbose_name_plural = "plan settings"
        constraints = [models.CheckConstraint(condition=Q(renewal_increase__gte=0, renewal_increase__lte=100),
                                              name="renewal_increase_is_a_percentage")]

    def __str__(self) -> str:
        return f"Plan settings of {self.client}"


class MonthlySummary(models.Model):
    """One monthly summary sent to a client: once per client and month (the unique constraint is the rule)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="monthly_summaries")
    month = models.DateField(help_text="First day of the month it summarises.")
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", help_text="Empty: sent by the scheduler.")
    recipients = models.TextField(help_text="The addresses it went to, comma-separated.")

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "monthly summaries"
        ordering = ["-month", "client"]
        constraints = [models.UniqueConstraint(fields=["client", "month"], name="one_summary_per_client_and_month"),
                       models.CheckConstraint(condition=Q(month__day=1), name="summary_month_starts_on_a_first")]

    def __str__(self) -> str:
        return f"Summary of {self.month:%B %Y} for {self.client}"
