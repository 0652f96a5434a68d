"""The owner's view (C7): the sales funnel and the BSP Readiness Assessment runs; every other figure is computed."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from bspos.clients.models import Client

# Seed 000's six steps of the marketing engine (the "dating analogy"), in order.
STEPS = [
    ("awareness", "Awareness", "hello"),
    ("engagement", "Engagement", "how are you?"),
    ("subscription", "Subscription", "that's cool"),
    ("conversion", "Conversion", "here's what it's like"),
    ("excitement", "Excitement", "I want it"),
    ("ascension", "Ascension", "do you want fries?"),
]
STEP_FIELDS = [f"{code}_on" for code, _, _ in STEPS]


class Opportunity(models.Model):
    """A lead moving through the six steps; reaching Excitement means the client signed (it links to a client)."""

    name = models.CharField("company", max_length=200)
    contact_email = models.EmailField(blank=True)
    source = models.CharField(max_length=100, blank=True, help_text="e.g. referral, webinar, lead magnet")
    monthly_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    # what the Ideal Client Profile is matched on (the same as a client's vertical and number of users)
    vertical = models.CharField(max_length=100, blank=True)
    users = models.PositiveIntegerField("size (users)", null=True, blank=True)
    awareness_on = models.DateField(db_index=True)
    engagement_on = models.DateField(null=True, blank=True)
    subscription_on = models.DateField(null=True, blank=True)
    conversion_on = models.DateField(null=True, blank=True)
    excitement_on = models.DateField(null=True, blank=True, help_text="Signed: the lead became a client.")
    ascension_on = models.DateField(null=True, blank=True, help_text="Bought more after signing.")
    lost_on = models.DateField(null=True, blank=True)
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunities")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")

    class Meta:
        verbose_name_plural = "opportunities"
        ordering = ["-awareness_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(engagement_on__isnull=True) | Q(engagement_on__gte=models.F(
                "awareness_on")), name="engagement_after_awareness"),
            models.CheckConstraint(condition=Q(excitement_on__isnull=True) | Q(lost_on__isnull=True),
                                   name="won_or_lost_not_both"),
        ]

    @property
    def step(self) -> str:
        reached = [label for (code, label, _), name in zip(STEPS, STEP_FIELDS, strict=True) if getattr(self, name)]
        return reached[-1] if reached else STEPS[0][1]

    def __str__(self) -> str:
        return f"{self.name} ({self.step})"


class ReadinessRun(models.Model):
    """One sitting of the BSP Readiness Assessment: the answers and the score per SCALE phase."""

    taken_at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    answers = models.JSONField(help_text="question code → 0..4")
    scores = models.JSONField(help_text="phase → 0..100")

    class Meta:
        ordering = ["-taken_at"]

    def __str__(self) -> str:
        return f"Readiness {self.taken_at:%Y-%m-%d}"
