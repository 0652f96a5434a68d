import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.validators import validate_email
from django.db import models
from django.db.models import F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from bspos.agreements.models import Agreement
from bspos.assets.models import Asset
from bspos.clients.models import Client, Contact
from bspos.core.querysets import ClientOwnedQuerySet, client_owned
from bspos.sla.models import Priority, SlaPlan

# money.models.InvoiceStatus.ISSUED: the desk reads money's allocations by their reverse relation and never imports
# money (money depends on the desk, not the other way round).
ISSUED = "issued"


class Source(models.TextChoices):
    PORTAL = "portal", "Portal"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    ALERT = "alert", "Monitoring alert"
    API = "api", "API"


class TicketType(models.TextChoices):
    INCIDENT = "incident", "Incident"
    SERVICE_REQUEST = "request", "Service request"
    PROBLEM = "problem", "Problem"
    CHANGE = "change", "Change"


class Category(models.TextChoices):
    HARDWARE = "hardware", "Hardware"
    SOFTWARE = "software", "Software"
    NETWORK = "network", "Network"
    EMAIL = "email", "Email & collaboration"
    ACCESS = "access", "Accounts & access"
    SECURITY = "security", "Security"
    BACKUP = "backup", "Backup & recovery"
    PRINTING = "printing", "Printing"
    OTHER = "other", "Other"


class Level(models.IntegerChoices):
    HIGH = 1, "High"
    MEDIUM = 2, "Medium"
    LOW = 3, "Low"


class Status(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    WAITING_ON_CLIENT = "waiting", "Waiting on client"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING_ON_CLIENT)
MAX_CC = 20


def validate_addresses(value) -> None:
    """A ticket's CC: a list of at most MAX_CC distinct email addresses."""
    if not isinstance(value, list) or not all(isinstance(address, str) for address in value):
        raise ValidationError("CC must be a list of email addresses.")
    if len(value) > MAX_CC:
        raise ValidationError(f"At most {MAX_CC} CC addresses.")
    bad = [address for address in value if not _is_email(address)]
    if bad:
        raise ValidationError(f"Not an email address: {', '.join(bad[:5])}.")


def _is_email(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


class Ticket(models.Model):
    """A unit of service work with its SLA clocks; state changes go through servicedesk.services."""

    number = models.PositiveBigIntegerField(unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="tickets")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets")
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="tickets")
    asset = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets")
    subject = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.PHONE, db_index=True)
    ticket_type = models.CharField("type", max_length=20, choices=TicketType.choices, default=TicketType.INCIDENT)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER, db_index=True)
    impact = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.MEDIUM)
    urgency = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.MEDIUM)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.MEDIUM, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    tier = models.PositiveSmallIntegerField(choices=[(1, "Tier 1"), (2, "Tier 2"), (3, "Tier 3")], default=1)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="assigned_tickets")
    escalation_count = models.PositiveSmallIntegerField(default=0)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    in_scope = models.BooleanField(default=True, help_text="Covered by the agreement; out-of-scope work is extra.")
    cc = models.JSONField(default=list, blank=True, validators=[validate_addresses],
                          help_text="Addresses copied on every email reply (besides the contact).")
    resolution = models.TextField(blank=True, help_text="How it was resolved; the composer asks for it on resolving.")

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # SLA clocks, kept by servicedesk.services (business minutes of the plan's calendar).
    sla_plan = models.ForeignKey(SlaPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets")
    first_response_due = models.DateTimeField(null=True, blank=True)
    first_response_warning_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True, db_index=True)
    resolution_warning_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    sla_paused_at = models.DateTimeField(null=True, blank=True,
                                         help_text="Set while waiting on the client: the resolution clock stops.")
    sla_paused_minutes = models.FloatField(default=0, help_text="Business minutes spent paused so far.")

    objects = ClientOwnedQuerySet.as_manager()  # visible_to(user): desk staff all, a client contact their company's

    class Meta:
        ordering = ["-number"]
        indexes = [
            models.Index(fields=["client", "created_at"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["status", "priority"]),
            # SLA met over a period: an index-only scan of the tickets resolved in it
            models.Index(fields=["resolved_at", "resolution_due"], name="ticket_resolved_at"),
            # out-of-scope time (scorecard.services.work_by_person_month, the owner's page and the leadership
            # meeting's live figures): an index-only scan of the few tickets out of scope, not the whole table
            models.Index(fields=["id"], condition=Q(in_scope=False), name="ticket_out_of_scope"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(tier__in=[1, 2, 3]), name="ticket_tier_1_to_3"),
            models.CheckConstraint(condition=Q(priority__gte=1, priority__lte=4), name="ticket_priority_1_to_4"),
            models.CheckConstraint(condition=Q(sla_paused_minutes__gte=0), name="paused_minutes_not_negative"),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("created_at")),
                name="ticket_resolved_not_before_created",
            ),
            models.CheckConstraint(
                condition=Q(first_response_at__isnull=True) | Q(first_response_at__gte=F("created_at")),
                name="ticket_response_not_before_created",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("created_at")),
                name="ticket_closed_not_before_created",
            ),
        ]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def clean(self) -> None:
        errors = {}
        if self.contact_id and self.client_id and self.contact.client_id != self.client_id:
            errors["contact"] = "The contact belongs to another client."
        if self.asset_id and self.client_id and self.asset.client_id != self.client_id:
            errors["asset"] = "The asset belongs to another client."
        if self.agreement_id and self.client_id and self.agreement.client_id != self.client_id:
            errors["agreement"] = "The agreement belongs to another client."
        if errors:
            raise ValidationError(errors)

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"


class Note(models.Model):
    """A public reply (the client sees it) or an internal note on a ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="ticket_notes")
    body = models.TextField()
    is_internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(db_index=True)

    # visible_to(user): desk staff every note; a client contact the public replies on their company's tickets.
    objects = client_owned("ticket__client", contact_filter=Q(is_internal=False)).as_manager()

    class Meta:
        ordering = ["ticket", "created_at", "id"]

    def __str__(self) -> str:
        kind = "Internal note" if self.is_internal else "Reply"
        return f"{kind} on #{self.ticket.number}"


class InternalCategory(models.TextChoices):
    """The categories every installation starts with (the scorecard counts account management and sales as account
    work); the service manager renames them, adds others and retires them as `TimeCategory` rows."""

    ADMIN = "admin", "Administration"
    TRAINING = "training", "Training"
    MEETING = "meeting", "Internal meeting"
    ACCOUNT_MANAGEMENT = "account", "Account management"
    SALES = "sales", "Sales"
    PROJECT = "project", "Internal project"
    TRAVEL = "travel", "Travel"


class TimeCategoryQuerySet(models.QuerySet):
    def in_use(self) -> "TimeCategoryQuerySet":
        """Categories a person may log new internal time on (retired ones stay on the entries that have them)."""
        return self.filter(is_active=True)


class TimeCategory(models.Model):
    """An internal category of time (meeting, training, admin, travel…), managed by the service manager. Entries
    keep its code, so renaming one renames it on every entry and retiring one keeps history intact."""

    code = models.SlugField(max_length=20, unique=True, help_text="Stored on each entry; never changes.")
    name = models.CharField(max_length=80, unique=True)
    is_active = models.BooleanField("in use", default=True, help_text="Retired categories cannot be chosen for new "
                                                                       "time; old entries keep them.")
    position = models.PositiveSmallIntegerField(default=0)

    objects = TimeCategoryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "internal category"
        verbose_name_plural = "internal categories"

    def __str__(self) -> str:
        return self.name


def category_names() -> dict[str, str]:
    """Code → name of every internal category (retired ones too), for showing entries."""
    return dict(TimeCategory.objects.values_list("code", "name"))


class TimeEntryQuerySet(ClientOwnedQuerySet):
    def contact_filter(self) -> Q:
        return Q(pk__in=[])  # a client contact sees no time entries: rates and internal work are the MSP's

    def _issued_allocations(self):
        # money's TimeAllocation, reached through the reverse relation `allocations` so the desk never imports it.
        allocation = self.model._meta.get_field("allocations").related_model
        return (allocation.objects.filter(invoice__status=ISSUED).select_related("invoice")
                .order_by("invoice__number", "pk"))

    def approved(self) -> "TimeEntryQuerySet":
        """Entries the service manager approved (their week's time sheet): what billing bills when it waits for
        approval, and locked for the technician."""
        return self.filter(approved_at__isnull=False)

    def awaiting_approval(self) -> "TimeEntryQuerySet":
        return self.filter(approved_at__isnull=True)

    def locked(self) -> "TimeEntryQuerySet":
        """Entries nobody may change or delete: approved, or billed on an issued invoice."""
        return self.filter(Q(approved_at__isnull=False) | Q(pk__in=self._issued_allocations().values("time_entry_id")))

    def with_category_names(self) -> "TimeEntryQuerySet":
        """Each entry's internal category name as `category_label`, in the same query (for lists)."""
        names = TimeCategory.objects.filter(code=OuterRef("internal_category")).values("name")[:1]
        return self.annotate(category_label=Subquery(names))

    def billed(self) -> "TimeEntryQuerySet":
        """Entries allocated to an issued invoice: final until the invoice is credited."""
        return self.filter(pk__in=self._issued_allocations().values("time_entry_id"))

    def billing_invoice(self):
        """The first issued invoice any of these entries is on (money's Invoice), or None."""
        allocation = self._issued_allocations().filter(time_entry__in=self.values("pk")).first()
        return allocation.invoice if allocation is not None else None

    def with_billing(self) -> "TimeEntryQuerySet":
        """Prefetch each entry's issued invoice in one query, for `TimeEntry.billing_invoice()` on a list."""
        return self.prefetch_related(Prefetch("allocations", queryset=self._issued_allocations(),
                                              to_attr="issued_allocations"))


class TimeEntry(models.Model):
    """Work by one person: on a ticket or internal; rates are copied as they were when entered."""

    technician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries")
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="time_entries")
    task = models.ForeignKey("projects.Task", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="time_entries", help_text="Work on a project's task (instead of a ticket).")
    client = models.ForeignKey(Client, null=True, blank=True, editable=False, on_delete=models.PROTECT,
                               related_name="time_entries", help_text="The ticket's client, kept here for money "
                                                                      "queries; empty for internal time.")
    internal_category = models.CharField(max_length=20, blank=True, help_text="A TimeCategory's code.")
    started_at = models.DateTimeField(db_index=True)
    minutes = models.PositiveIntegerField()
    billable = models.BooleanField(default=True)
    cost_rate = models.DecimalField(max_digits=8, decimal_places=2)
    bill_rate = models.DecimalField(max_digits=8, decimal_places=2)
    notes = models.TextField(blank=True)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False,
                                       help_text="When its week's time sheet was approved; set and cleared by "
                                                 "servicedesk.services.approve_time / reopen_time only.")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
                                    on_delete=models.SET_NULL, related_name="+")

    objects = TimeEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name_plural = "time entries"
        indexes = [models.Index(fields=["technician", "started_at"]), models.Index(fields=["client", "started_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gt=0), name="time_entry_minutes_positive"),
            models.CheckConstraint(condition=Q(cost_rate__gte=0) & Q(bill_rate__gte=0),
                                   name="time_entry_rates_not_negative"),
            models.CheckConstraint(  # exactly one of ticket, project task, internal category
                condition=(Q(ticket__isnull=False) & Q(task__isnull=True) & Q(internal_category=""))
                | (Q(ticket__isnull=True) & Q(task__isnull=False) & Q(internal_category=""))
                | (Q(ticket__isnull=True) & Q(task__isnull=True) & ~Q(internal_category="")),
                name="time_entry_ticket_task_or_internal",
            ),
            models.CheckConstraint(condition=Q(approved_at__isnull=False) | Q(approved_by__isnull=True),
                                   name="time_entry_approver_only_when_approved"),
        ]

    def clean(self) -> None:
        errors = {}
        if self.minutes is not None and self.minutes <= 0:
            errors["minutes"] = "Minutes must be more than zero."
        if self.ticket_id and self.task_id:
            errors["task"] = "Time is on a ticket or on a project task, not both."
        if (self.ticket_id or self.task_id) and self.internal_category:
            errors["internal_category"] = "Time on a ticket or task has no internal category."
        if not self.ticket_id and not self.task_id and not self.internal_category:
            errors["internal_category"] = "Choose a ticket, a project task or an internal category."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        # A ticket never changes client (servicedesk.services refuses it), nor a project (projects.services), so
        # copying it here keeps it right.
        if self.ticket_id:
            self.client_id = self.ticket.client_id
        elif self.task_id:
            self.client_id = self.task.project.client_id
        else:
            self.client_id = None
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "client"}
        super().save(*args, **kwargs)

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def category_name(self) -> str:
        """The internal category's name (its code when the category row is gone)."""
        if not self.internal_category:
            return ""
        label = getattr(self, "category_label", None)  # annotated by TimeEntry.objects.with_category_names()
        if label is None:
            label = category_names().get(self.internal_category)
        return label or self.internal_category

    def billing_invoice(self):
        """The issued invoice this entry is billed on (money's Invoice), or None; uses `with_billing()` if run."""
        prefetched = getattr(self, "issued_allocations", None)
        if prefetched is None:
            return TimeEntry.objects.filter(pk=self.pk).billing_invoice()
        return prefetched[0].invoice if prefetched else None

    def __str__(self) -> str:
        return f"{self.technician} {self.minutes} min on {self.started_at:%Y-%m-%d}"


STOCK_STORAGE = "django.core.files.storage.FileSystemStorage"


class AttachmentStorage(FileSystemStorage):
    """Ticket files live under the data directory (BSPOS_DATA_DIR/attachments), read when used."""

    @property
    def base_location(self) -> str:
        return str(settings.DATA_DIR / "attachments")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def attachment_storage() -> Storage:
    """The configured STORAGES["default"] when a deployment set one (S3, …), else the data directory."""
    if settings.STORAGES["default"]["BACKEND"] != STOCK_STORAGE:
        return storages["default"]
    return AttachmentStorage()


class AttachmentQuerySet(ClientOwnedQuerySet):
    client_field = "ticket__client"

    def contact_filter(self) -> Q:
        # A contact sees the ticket's own files and those of public replies, never an internal note's.
        return Q(note__isnull=True) | Q(note__is_internal=False)


class Attachment(models.Model):
    """A file on a ticket (sent with it when opened) or on one of its replies or notes; stored by
    servicedesk.attachments, its bytes removed when the row goes."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="files")
    note = models.ForeignKey(Note, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(storage=attachment_storage, upload_to="%Y/%m/", max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="ticket_attachments")
    created_at = models.DateTimeField(default=timezone.now)

    objects = AttachmentQuerySet.as_manager()  # visible_to(user): staff all; a contact their company's public files

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


# The placeholders a canned reply may use, with what each stands for (servicedesk.services.canned_text fills them).
PLACEHOLDERS = {
    "contact_first_name": "the ticket's contact's first name",
    "contact_name": "the ticket's contact's full name",
    "ticket_number": "the ticket's number",
    "ticket_subject": "the ticket's subject",
    "client_name": "the client's name",
    "my_name": "your name",
}


class CannedReply(models.Model):
    """A reply the MSP writes once and inserts into the composer, with placeholders filled for the ticket."""

    title = models.CharField(max_length=120, unique=True)
    body = models.TextField(help_text="Placeholders in braces, e.g. {contact_first_name}.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "canned replies"

    def __str__(self) -> str:
        return self.title


class SlaMark(models.Model):
    """A threshold that fired on a ticket: an at-risk or breach moment, a plan's escalation rule, a waiting-on-client
    reminder or auto-resolve. The SLA job (servicedesk.escalation) inserts it before acting, ignoring conflicts, so
    each fires once per ticket even when two runs overlap."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_marks")
    key = models.CharField(max_length=80, help_text="What fired, e.g. resolution:breached, rule:12, "
                                                    "waiting:remind:<pause start>.")
    rule = models.ForeignKey("sla.EscalationRule", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="marks")
    run = models.CharField(max_length=32, editable=False, help_text="The job run that fired it.")
    fired_at = models.DateTimeField()

    class Meta:
        ordering = ["ticket", "fired_at"]
        constraints = [models.UniqueConstraint(fields=["ticket", "key"], name="sla_mark_once_per_ticket")]
        indexes = [models.Index(fields=["run"])]

    def describe(self) -> str:
        """What fired, in words (the ticket page's SLA escalation card)."""
        if self.rule_id:
            return f"Rule at {self.rule.percent}% of the {self.rule.get_target_display().lower()} target"
        first, _, second = self.key.partition(":")
        if first == "waiting":
            return "Reminder sent to the contact" if second.startswith("remind") else "Resolved: no reply"
        target = "First response" if first == "first_response" else "Resolution"
        return f"{target} {'at risk' if second == 'at_risk' else 'breached'}"

    def __str__(self) -> str:
        return f"#{self.ticket.number} {self.key}"
