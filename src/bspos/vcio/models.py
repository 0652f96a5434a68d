"""vCIO assessments (C5): templates as versioned data, assessments of a client, answers, targets, CEO links."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bspos.clients.models import Client
from bspos.core.dates import FiscalQuarter, fiscal_quarter_start
from bspos.core.querysets import ClientOwnedQuerySet, client_owned
from bspos.servicedesk.models import attachment_storage


class AssessmentTemplate(models.Model):
    """A framework as data: {scale: [{value, label, score}], areas: [{code, name, questions: [{code, text, weight,
    guidance, action}]}]}. A new version is a new row; assessments keep the version they were made with."""

    class Kind(models.TextChoices):
        MATURITY = "maturity", "IT management maturity"
        SECURITY = "security", "Security framework"

    key = models.SlugField(max_length=50)
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MATURITY)
    description = models.TextField(blank=True)
    data = models.JSONField()
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "-version"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="one_template_per_key_and_version")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class AssessmentStatus(models.TextChoices):
    """The two stages and after: prepared (technicians answer, with evidence and files), reviewed by the vCIO
    (each answer accepted or sent back), shared with the client, closed (read-only, kept as a snapshot)."""

    OPEN = "open", "Being prepared"
    REVIEW = "review", "In review"
    SHARED = "shared", "Shared with the client"
    CLOSED = "closed", "Closed"


class AssessmentQuerySet(ClientOwnedQuerySet):
    def contact_filter(self) -> Q:
        """A client's contacts see an assessment once the vCIO has reviewed and shared it."""
        return Q(status__in=[AssessmentStatus.SHARED, AssessmentStatus.CLOSED])


class Assessment(models.Model):
    """One run of a framework for a client; its contacts read it in the portal ("Our IT plan") once shared."""

    Status = AssessmentStatus

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assessments")
    template = models.ForeignKey(AssessmentTemplate, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     help_text="The closed assessment whose answers this one started from.")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="Last sent to the vCIO for review.")
    shared_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.template.name} — {self.client} ({self.created_at:%Y-%m-%d})"

    @property
    def is_closed(self) -> bool:
        return self.status == AssessmentStatus.CLOSED


class AssessmentSnapshot(models.Model):
    """What a closed assessment showed when it was closed: scores, answers, the client's roadmap and IT budget.
    Written once by vcio.services.close_assessment; nothing changes it afterwards."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="snapshot")
    taken_at = models.DateTimeField()
    data = models.JSONField()

    objects = client_owned("assessment__client").as_manager()

    def __str__(self) -> str:
        return f"Snapshot of {self.assessment} ({self.taken_at:%Y-%m-%d})"


class Answer(models.Model):
    """One question's answer; the vCIO accepts it or sends it back (with a note) before the assessment is shared."""

    class Review(models.TextChoices):
        WAITING = "waiting", "Waiting for review"
        ACCEPTED = "accepted", "Accepted"
        SENT_BACK = "sent_back", "Sent back"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=50)
    value = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty with not_applicable.")
    not_applicable = models.BooleanField(default=False)
    evidence = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", help_text="Empty when answered through the CEO's link.")
    answered_at = models.DateTimeField(auto_now=True)
    review = models.CharField(max_length=10, choices=Review.choices, default=Review.WAITING)
    review_note = models.TextField(blank=True, help_text="The vCIO's reason when sending it back.")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = client_owned("assessment__client").as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="one_answer_per_question"),
            models.CheckConstraint(condition=Q(not_applicable=True, value__isnull=True)
                                   | Q(not_applicable=False, value__isnull=False), name="answer_value_or_na"),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {'n/a' if self.not_applicable else self.value}"


class EvidenceFile(models.Model):
    """A file backing an answer (a report, a screenshot): checked and stored like a ticket's attachments
    (servicedesk.attachments), served only as a download; its bytes go when the row goes."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(storage=attachment_storage, upload_to="assessments/%Y/%m/", max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = client_owned("answer__assessment__client",
                           Q(answer__assessment__status__in=[AssessmentStatus.SHARED, AssessmentStatus.CLOSED]))\
        .as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Target(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="targets")
    area = models.CharField(max_length=50)
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "area"], name="one_target_per_area"),
            models.CheckConstraint(condition=Q(score__lte=100), name="target_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.score}"


class QuestionnaireLink(models.Model):
    """A no-login link for the client's CEO to answer one assessment; only a hash of the token is stored."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    sent_to = models.EmailField(blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Link for {self.assessment} to {self.sent_to or 'the CEO'}"


class RoadmapStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class RoadmapQuerySet(ClientOwnedQuerySet):
    def contact_filter(self) -> Q:
        """A client's contacts see their roadmap without the items that were dropped."""
        return ~Q(status=RoadmapStatus.CANCELLED)


class RoadmapItem(models.Model):
    """An action plan item for a client: from an assessment's weak answer or added by hand."""

    class Priority(models.IntegerChoices):
        HIGH = 1, "High"
        MEDIUM = 2, "Medium"
        LOW = 3, "Low"

    Status = RoadmapStatus  # its own name in the OpenAPI document (tickets have a Status too)

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="roadmap")
    assessment = models.ForeignKey(Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="items")
    question = models.CharField(max_length=50, blank=True)
    area = models.CharField(max_length=100)
    title = models.CharField(max_length=300)
    problem = models.TextField("business problem", blank=True,
                               help_text="What it solves, in the client's words: shown when they are asked to approve.")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.MEDIUM)
    quarter = models.DateField(help_text="First day of the client's fiscal quarter it is planned for.")
    one_time = models.DecimalField("one-time investment", max_digits=12, decimal_places=2, default=0)
    monthly = models.DecimalField("monthly investment", max_digits=12, decimal_places=2, default=0)
    owner = models.ForeignKey("Party", null=True, blank=True, on_delete=models.SET_NULL, related_name="roadmap",
                              help_text="The party of the client's virtual IT department that carries it out.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    ticket = models.ForeignKey("servicedesk.Ticket", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="roadmap_items", help_text="The work that carries it out.")

    objects = RoadmapQuerySet.as_manager()

    class Meta:
        ordering = ["quarter", "priority", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(one_time__gte=0) & Q(monthly__gte=0), name="roadmap_not_negative"),
            models.CheckConstraint(condition=Q(quarter__day=1), name="roadmap_quarter_starts_on_a_first"),
        ]

    @property
    def fiscal_quarter(self) -> FiscalQuarter:
        return self.client.fiscal_quarter(self.quarter)

    def clean(self) -> None:
        if self.quarter and self.client_id:  # any day of a quarter plans it for that (fiscal) quarter
            self.quarter = fiscal_quarter_start(self.quarter, self.client.fiscal_year_start)
        if self.owner_id and self.client_id and self.owner.client_id != self.client_id:
            raise ValidationError({"owner": "That party belongs to another client."})

    def __str__(self) -> str:
        return f"{self.client}: {self.title} ({self.fiscal_quarter.label})"


class Party(models.Model):
    """Someone in the client's virtual IT department: a client role, the MSP, or a vendor (seed 002: about 15)."""

    class Kind(models.TextChoices):
        CLIENT = "client", "Client role"
        MSP = "msp", "MSP"
        VENDOR = "vendor", "Vendor"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="parties")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CLIENT)
    position = models.PositiveSmallIntegerField(default=0)

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["client", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["client", "name"], name="one_party_name_per_client")]

    def __str__(self) -> str:
        return self.name


class Responsibility(models.Model):
    """One RACI cell of a client's responsibility matrix: an area of the library × a party."""

    class Role(models.TextChoices):
        RESPONSIBLE = "R", "Responsible"
        ACCOUNTABLE = "A", "Accountable"
        CONSULTED = "C", "Consulted"
        INFORMED = "I", "Informed"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="responsibilities")
    area = models.CharField(max_length=50, help_text="Code of an area in the responsibility library.")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="responsibilities")
    role = models.CharField(max_length=1, choices=Role.choices)

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "area", "party"], name="one_role_per_party_and_area"),
            models.UniqueConstraint(fields=["client", "area"], condition=Q(role="A"),
                                    name="exactly_one_accountable_per_area"),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.party} {self.role}"


class ApprovalLink(models.Model):
    """A no-login link for a client's decision-maker to approve or decline proposed roadmap items; only a hash of
    the token is stored. Contacts with portal access decide the same items in the portal."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="approval_links")
    items = models.ManyToManyField(RoadmapItem, related_name="approval_links")
    token_hash = models.CharField(max_length=64, unique=True)
    sent_to_name = models.CharField(max_length=200, blank=True)
    sent_to = models.EmailField(blank=True)
    message = models.TextField(blank=True, help_text="A note from the vCIO shown above the items.")
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Approval request to {self.sent_to_name or self.sent_to or self.client}"


class RoadmapDecision(models.Model):
    """A client's approval or decline of one roadmap item: who (a name, and the login when in the portal), when,
    why; an item is decided once per link, and only while it is proposed."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    item = models.ForeignKey(RoadmapItem, on_delete=models.CASCADE, related_name="decisions")
    link = models.ForeignKey(ApprovalLink, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    decided_by_name = models.CharField(max_length=200)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", help_text="The contact's login when decided in the portal.")
    comment = models.TextField(blank=True)
    decided_at = models.DateTimeField()

    objects = client_owned("item__client").as_manager()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["link", "item"], name="one_decision_per_item_and_link")]

    def __str__(self) -> str:
        return f"{self.item.title}: {self.get_decision_display()} by {self.decided_by_name}"
