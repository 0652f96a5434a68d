"""The MSP's own foundation and factory (seed 000 "Set the Foundation", seed 001 "Construct the Factory"): Ideal
Client Profiles, solutions named for the outcome, core values with the decisions they drove, the vision (a BHAG)
and the mission, legal documents with their attorney reviews and who signed which version, and the owner's answers
to the Construct-phase "done" checklist.

Nothing here belongs to a client contact: staff read it, the owner writes it, a contact meets 404.
"""

import re
from datetime import date

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q

from bspos.catalogue.models import App, Package
from bspos.clients.models import Client
from bspos.core.dates import add_months
from bspos.core.permissions import Can, can


class StaffOnlyQuerySet(models.QuerySet):
    """The MSP's own rows: every staff member reads them; a client contact reaches none (404)."""

    def visible_to(self, user) -> "StaffOnlyQuerySet":
        return self if can(user, Can.DESK_READ) else self.none()


# --- Ideal Client Profile (seed 000, foundation piece 1) --------------------------------------------------------

# Seed 000's four tests of a real ICP, answered by the owner; the fourth is also measured from the data.
ICP_TESTS = [
    ("test_one_sentence", "A stranger at a networking event could point you to them from the one sentence."),
    ("test_business_problem", "They share one business problem you solve, stated as a business problem."),
    ("test_congregate", "You know where they physically and digitally congregate."),
    ("test_all_marketing", "All your sales and marketing point at them, not at anyone who will pay."),
]


def split_verticals(text: str) -> list[str]:
    """'Legal, Accounting' → ['Legal', 'Accounting'] (commas or new lines; blanks dropped)."""
    return [part.strip() for part in re.split(r"[,\n]", text or "") if part.strip()]


class IdealClientProfile(models.Model):
    """Who the MSP serves: one sentence, the one business problem they share, where they congregate, and the
    verticals and size (users) that match it."""

    name = models.CharField(max_length=120, unique=True)
    description = models.CharField("one-sentence description", max_length=300,
                                   help_text="Specific enough that a stranger could point you to them.")
    business_problem = models.CharField(max_length=300, help_text="Stated as a business problem, not a technology "
                                                                  "one, e.g. 'billable hours lost to downtime'.")
    congregate_physical = models.CharField("where they meet in person", max_length=300, blank=True)
    congregate_online = models.CharField("where they meet online", max_length=300, blank=True)
    verticals = models.CharField(max_length=300, help_text="Client verticals it covers, separated by commas, "
                                                           "as written on the clients (e.g. Legal, Accounting).")
    min_users = models.PositiveIntegerField("from users", null=True, blank=True)
    max_users = models.PositiveIntegerField("to users", null=True, blank=True)
    is_primary = models.BooleanField("primary", default=False)
    test_one_sentence = models.BooleanField(default=False)
    test_business_problem = models.BooleanField(default=False)
    test_congregate = models.BooleanField(default=False)
    test_all_marketing = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-is_primary", "name"]
        verbose_name = "Ideal Client Profile"
        constraints = [
            models.UniqueConstraint(fields=["is_primary"], condition=Q(is_primary=True), name="one_primary_icp"),
            models.CheckConstraint(condition=Q(min_users__isnull=True) | Q(max_users__isnull=True)
                                   | Q(max_users__gte=models.F("min_users")), name="icp_size_range_in_order"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def vertical_list(self) -> list[str]:
        return split_verticals(self.verticals)

    @property
    def tests(self) -> list[tuple[str, str, bool]]:
        return [(field, text, getattr(self, field)) for field, text in ICP_TESTS]

    @property
    def tests_passed(self) -> int:
        return sum(1 for _, _, passed in self.tests if passed)

    def match_q(self, vertical: str = "vertical", users: str = "users") -> Q:
        """The rows (clients or leads) this profile covers: a vertical it names (any case) and, where a size is
        set, a number of users inside the range. `users` names an annotation or a field."""
        names = self.vertical_list
        q = Q(pk__in=[])
        for name in names:
            q |= Q(**{f"{vertical}__iexact": name})
        if self.min_users is not None:
            q &= Q(**{f"{users}__gte": self.min_users})
        if self.max_users is not None:
            q &= Q(**{f"{users}__lte": self.max_users})
        return q


def clients_with_users():
    """Clients with their size: the number of active contacts counted as users (what per-user agreements bill)."""
    return Client.objects.annotate(users=Count("contacts", filter=Q(contacts__is_active=True,
                                                                     contacts__is_billable_user=True)))


# --- solutions named for the outcome (seed 000, foundation piece 2) ----------------------------------------------

# Words that name the technology (the how) rather than the outcome (the what); a solution's name with one of these
# gets a warning (seed 000: "Legal Practice Growth System" beats "managed IT services for law firms").
TECHNOLOGY_PHRASES = ["managed it", "managed services", "it services", "it support", "tech support", "helpdesk",
                      "help desk", "services", "service desk", "support", "network", "cloud", "backup",
                      "cybersecurity", "security", "monitoring", "patching", "msp", "hosting", "it"]


def technology_phrases_in(name: str) -> list[str]:
    """The technology phrases a name uses (whole words, any case), longest first; empty for an outcome name."""
    lowered, found = f" {re.sub(r'[^a-z0-9]+', ' ', (name or '').lower())} ", []
    for phrase in sorted(TECHNOLOGY_PHRASES, key=len, reverse=True):
        if f" {phrase} " in lowered and not any(phrase in longer for longer in found):
            found.append(phrase)
    return found


class Solution(models.Model):
    """What the MSP sells, named for the outcome: catalogue packages bundled for an ICP, the outcome promised and
    the measures that prove it. Agreements and proposals reference it."""

    name = models.CharField(max_length=120, unique=True, help_text="Name the outcome, not the technology, e.g. "
                                                                   "'Legal Practice Growth System'.")
    icp = models.ForeignKey(IdealClientProfile, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="solutions", verbose_name="Ideal Client Profile")
    outcome = models.TextField(help_text="The business outcome it promises.")
    measures = models.TextField(blank=True, help_text="How the outcome is proven, one measure a line.")
    packages = models.ManyToManyField(Package, blank=True, related_name="solutions")
    icp_tools = models.ManyToManyField(App, blank=True, related_name="solutions", verbose_name="ICP-specific tools",
                                       help_text="Premium tools for this ICP that generic MSPs do not run.")
    is_active = models.BooleanField(default=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def technology_phrases(self) -> list[str]:
        return technology_phrases_in(self.name)

    @property
    def measure_list(self) -> list[str]:
        return [line.strip() for line in self.measures.splitlines() if line.strip()]


# --- values, vision, mission (seed 001, axis 2) -----------------------------------------------------------------

MIN_VALUES, MAX_VALUES = 3, 5  # seed 001: "three to five core values"


class CoreValue(models.Model):
    """A core value: the behaviour it demands and whether you would fire someone for violating it."""

    name = models.CharField(max_length=120, unique=True)
    behaviour = models.TextField(help_text="The behaviour it demands, e.g. 'we don't oversell what we can deliver'.")
    would_fire = models.BooleanField("would you fire someone for violating it?", default=False)
    position = models.PositiveSmallIntegerField(default=0)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class DecisionKind(models.TextChoices):
    HIRING = "hiring", "Hiring"
    FIRING = "firing", "Firing"
    CONFLICT = "conflict", "Conflict resolution"
    OTHER = "other", "Other decision"


class ValueDecision(models.Model):
    """A real decision a value drove: who was hired or let go, a conflict it settled (seed 001: values without one
    are marketing copy)."""

    value = models.ForeignKey(CoreValue, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=10, choices=DecisionKind.choices)
    decided_on = models.DateField()
    people = models.CharField(max_length=300, help_text="Who it concerned and who decided.")
    description = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.value}: {self.get_kind_display()} {self.decided_on}"


BHAG_MIN_YEARS, BHAG_MAX_YEARS = 3, 5  # seed 001: "a 3-to-5-year target"


class Vision(models.Model):
    """The vision as a Big Hairy Audacious Goal and the mission in one sentence; the latest row is the current
    one (earlier rows are its history)."""

    bhag = models.TextField("BHAG", help_text="So specific everyone can describe what hitting it looks like.")
    target_date = models.DateField(help_text="3 to 5 years from when it is set.")
    mission = models.CharField(max_length=300, blank=True, help_text="Why the company exists, in one sentence.")
    set_on = models.DateField()

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-set_on", "-pk"]

    def __str__(self) -> str:
        return f"Vision set {self.set_on}"


class LiveMeasure(models.TextChoices):
    """Figures bspos computes that a BHAG measure can follow (supplied by the owner's figures, see figures.py)."""

    ARR = "arr", "Annual recurring revenue"
    GROSS_MARGIN = "gross_margin", "Gross margin (%)"
    ACTIVE_CLIENTS = "active_clients", "Active clients"
    ICP_CLIENTS = "icp_clients", "Active clients matching the primary ICP"
    REVENUE_PER_CLIENT = "revenue_per_client", "Revenue per client per month"


class VisionMeasure(models.Model):
    """One measurable end state of the BHAG (e.g. $20M ARR, 70% gross margin); progress is live where bspos has
    the figure, else the owner's latest number."""

    vision = models.ForeignKey(Vision, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=120)
    live = models.CharField(max_length=30, choices=LiveMeasure.choices, blank=True,
                            help_text="Blank: enter the current value yourself.")
    target = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    current = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                  help_text="For a measure bspos cannot compute.")

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


# --- legal documents (seed 001, axis 3) -------------------------------------------------------------------------

REVIEW_MONTHS = 18  # seed 001: "reviewed by an attorney in the last 18 months"


def review_overdue(reviewed_on: date | None, today: date) -> bool:
    """A review is current for 18 months to the day: reviewed 3 June 2025 is current on 3 December 2026 and
    overdue from 4 December 2026. Never reviewed is overdue."""
    return reviewed_on is None or add_months(reviewed_on, REVIEW_MONTHS) < today


class DocumentKind(models.TextChoices):
    MSA = "msa", "Master Service Agreement"
    SLA = "sla", "Service Level Agreement"
    TERMS = "terms", "Terms and Conditions"


class LegalDocument(models.Model):
    """The MSA, the SLA or the terms, in versions; the latest version is the paper new clients sign."""

    kind = models.CharField(max_length=10, choices=DocumentKind.choices, unique=True)
    title = models.CharField(max_length=200)
    sla_plans = models.ManyToManyField("sla.SlaPlan", blank=True, related_name="legal_documents",
                                       help_text="The SLA plans this document promises (SLA only).")

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.title

    @property
    def current(self) -> "LegalVersion | None":
        versions = list(self.versions.all())
        return versions[0] if versions else None


class LegalVersion(models.Model):
    """One version of a document: its text and/or where the file lives, and its attorney review."""

    document = models.ForeignKey(LegalDocument, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(max_length=30)
    effective_on = models.DateField()
    text = models.TextField(blank=True)
    file_url = models.URLField("file", blank=True, help_text="Where the signed-off file is kept.")
    reviewed_on = models.DateField("attorney review", null=True, blank=True)
    reviewed_by = models.CharField("reviewed by", max_length=200, blank=True,
                                   help_text="The attorney (and firm) who reviewed it.")
    describes_operations = models.BooleanField(
        "accurately describes how we operate", default=False,
        help_text="The paper matches how the firm actually works.")  # seed 001's "done" test

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["document", "-effective_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["document", "version"], name="one_version_label_per_document")]

    def __str__(self) -> str:
        return f"{self.document.get_kind_display()} v{self.version}"

    def review_overdue(self, today: date) -> bool:
        return review_overdue(self.reviewed_on, today)


class Signature(models.Model):
    """Which version of a document a client signed, and when."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="legal_signatures")
    version = models.ForeignKey(LegalVersion, on_delete=models.PROTECT, related_name="signatures")
    signed_on = models.DateField()

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["client", "version"], name="one_signature_per_version")]

    def __str__(self) -> str:
        return f"{self.client} signed {self.version} on {self.signed_on}"


# --- the Construct-phase "done" checklist (seed 001) ------------------------------------------------------------

class Answer(models.TextChoices):
    YES = "yes", "Done"
    ALMOST = "almost", "Almost"
    NO = "no", "Not yet"


class ChecklistAnswer(models.Model):
    """The owner's answer to a checklist line bspos cannot evaluate from data ("almost" counts as not done)."""

    line = models.CharField(max_length=30, unique=True)
    answer = models.CharField(max_length=10, choices=Answer.choices)
    note = models.CharField(max_length=300, blank=True)
    answered_on = models.DateField()

    objects = StaffOnlyQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.line}: {self.answer}"

