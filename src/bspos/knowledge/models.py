"""Lock in systems: articles (SOPs, runbooks, KB) with versions, their links to tickets, CESI problem records,
checklist templates and their runs. Changes go through knowledge.services; search lives in knowledge.search."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bspos.assets.models import Asset
from bspos.clients.models import Client
from bspos.core.permissions import Can, can, contact_client_id
from bspos.core.querysets import ClientOwnedQuerySet
from bspos.servicedesk.models import Category, Ticket


class ArticleKind(models.TextChoices):
    SOP = "sop", "SOP"
    RUNBOOK = "runbook", "Runbook"
    KB = "kb", "KB article"


class ArticleQuerySet(ClientOwnedQuerySet):
    """Contacts read the articles published to their company and the published global ones (no client)."""

    def visible_to(self, user) -> "ArticleQuerySet":
        if can(user, Can.DESK_READ):
            return self
        company = contact_client_id(user)
        if company is None:
            return self.none()
        # Wider than a client-owned row: global articles belong to no client, so the base rule would hide them.
        return self.filter(Q(client_id=company) | Q(client__isnull=True), published=True)


class InternalQuerySet(ClientOwnedQuerySet):
    """Problem records and checklist runs are the MSP's own working papers: contacts see none of them."""

    def contact_filter(self) -> Q:
        return Q(pk__in=[])


class Article(models.Model):
    """A Markdown document; global (client empty) or about one client. Every save keeps a version."""

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ArticleKind.choices, default=ArticleKind.KB, db_index=True)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER, db_index=True)
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.PROTECT, related_name="articles",
                               help_text="Empty: a global article for every client.")
    body = models.TextField(blank=True, help_text="Markdown.")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="owned_articles")
    review_on = models.DateField(null=True, blank=True, help_text="After this date the article is flagged for review.")
    published = models.BooleanField(default=False, help_text="Client contacts may read it in the portal (their own "
                                                             "company's articles and global ones).")
    version = models.PositiveIntegerField(default=0, editable=False)
    source_ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                      help_text="The ticket whose resolution this article was written from.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["client", "kind"]), models.Index(fields=["review_on"])]

    @property
    def past_review(self) -> bool:
        return self.review_on is not None and self.review_on < timezone.localdate()

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    """The exact title and text of one save; restoring copies an old one into a new version."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    summary = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["article", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="article_version_unique")]

    def __str__(self) -> str:
        return f"{self.article} v{self.number}"


class ArticleTicket(models.Model):
    """An article used on a ticket."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="ticket_links")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="article_links")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-linked_at"]
        constraints = [models.UniqueConstraint(fields=["article", "ticket"], name="article_ticket_unique")]

    def __str__(self) -> str:
        return f"{self.article} on #{self.ticket.number}"


class Problem(models.Model):
    """A CESI problem record: Clarify, Explore, Solve, Implement; explains one or more tickets."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.PROTECT, related_name="problems",
                               help_text="Empty: a problem across clients.")
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    asset = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="problems")
    clarify = models.TextField("Clarify", blank=True, help_text="The real problem, not the symptom.")
    explore = models.TextField("Explore", blank=True, help_text="Hypotheses and options.")
    solve = models.TextField("Solve", blank=True, help_text="What was tested, and the result.")
    implement = models.TextField("Implement", blank=True, help_text="What was deployed.")
    implement_article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="problems", help_text="The article that documents the fix.")
    tickets = models.ManyToManyField(Ticket, blank=True, related_name="problems")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="owned_problems")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = InternalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(
            condition=Q(status="open") | Q(implement_article__isnull=False, closed_at__isnull=False),
            name="problem_closed_has_implement_article")]

    def clean(self) -> None:
        if self.asset_id and self.client_id and self.asset.client_id != self.client_id:
            raise ValidationError({"asset": "The asset belongs to another client."})

    def __str__(self) -> str:
        return self.title


class ChecklistKind(models.TextChoices):
    CLIENT_ONBOARDING = "client_onboarding", "Client onboarding"
    TECH_ONBOARDING = "tech_onboarding", "Technician onboarding"
    OFFBOARDING = "offboarding", "Offboarding"
    MONTHLY_MAINTENANCE = "monthly_maintenance", "Monthly maintenance"


class ChecklistTemplate(models.Model):
    """A playbook: the steps every run of it copies."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=ChecklistKind.choices, db_index=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class ChecklistTemplateItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=300)
    due_after_days = models.PositiveIntegerField(default=0, help_text="Due this many days after the run starts.")

    class Meta:
        ordering = ["template", "position", "id"]

    def __str__(self) -> str:
        return self.text


class ChecklistRun(models.Model):
    """One run of a template for a client (onboarding, maintenance) or a person (technician onboarding,
    offboarding)."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="runs")
    kind = models.CharField(max_length=30, choices=ChecklistKind.choices, db_index=True, editable=False)
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.PROTECT, related_name="checklist_runs")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="checklist_runs", help_text="The technician being onboarded, or the "
                                                                        "person leaving.")
    title = models.CharField(max_length=200)
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = InternalQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(client__isnull=False) | Q(person__isnull=False),
                                   name="checklist_run_for_client_or_person"),
            models.CheckConstraint(condition=Q(completed_at__isnull=True) | Q(completed_at__gte=models.F("started_at")),
                                   name="checklist_run_completed_after_start"),
        ]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(models.Model):
    run = models.ForeignKey(ChecklistRun, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=300)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="checklist_items")
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")

    class Meta:
        ordering = ["run", "position", "id"]

    def __str__(self) -> str:
        return self.text
