"""Money rules: the monthly billing run, issuing and crediting invoices, and time-to-billing reconciliation.

All amounts are Decimal and rounded to cents once per line (half up). See docs/billing.md for the rules.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from bspos.agreements.models import Agreement, AgreementKind
from bspos.assets.models import Asset, Lifecycle
from bspos.audit.services import delete_audited, record, snapshot
from bspos.catalogue.models import AppFee, AppSubscription, QuantityDiscount
from bspos.clients.models import Client, Contact
from bspos.core.dates import month_end as month_last_day
from bspos.core.dates import month_span, month_start
from bspos.core.money import cents, hours
from bspos.core.services import next_numbers
from bspos.money import signals
from bspos.money.models import (
    BillingRun,
    BillingSettings,
    Bucket,
    Commission,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    LineKind,
    TimeAllocation,
    ToolCost,
)
from bspos.money.selectors import bill_to_details, seller_details
from bspos.people.models import User
from bspos.projects.models import BillingTerms, Milestone
from bspos.servicedesk.models import TimeEntry

RECURRING_KINDS = {AgreementKind.PER_USER, AgreementKind.PER_DEVICE, AgreementKind.FLAT, AgreementKind.BLOCK_HOURS}


def billable_users(scope: Q) -> dict[int, int]:
    """Active, billable contacts per client: what a per-user agreement counts."""
    return dict(Contact.objects.filter(scope, is_active=True, is_billable_user=True)
                .values_list("client_id").annotate(n=Count("pk")))


def active_devices(scope: Q) -> dict[int, int]:
    """Active assets per client: what a per-device agreement counts."""
    return dict(Asset.objects.filter(scope, lifecycle=Lifecycle.ACTIVE)
                .values_list("client_id").annotate(n=Count("pk")))


def recurring_quantity(agreement: Agreement, users: int, devices: int) -> Decimal:
    """How many units a recurring agreement bills: users, devices, or its own quantity (flat, blocks)."""
    return {AgreementKind.PER_USER: Decimal(users), AgreementKind.PER_DEVICE: Decimal(devices),
            AgreementKind.FLAT: agreement.quantity, AgreementKind.BLOCK_HOURS: agreement.quantity}[agreement.kind]


def proration(start: date, end: date | None, month: date) -> tuple[int, int]:
    """Days an agreement or subscription is active in the month, and the days in the month (0 when inactive)."""
    last = month_last_day(month)
    first_day, last_day = max(start, month), min(end or last, last)
    return max((last_day - first_day).days + 1, 0), last.day


def time_amount(minutes: int, rate: Decimal) -> Decimal:
    return cents(Decimal(minutes) * rate / 60)


class BillingProblem(Exception):
    """A client's data cannot be billed; the message names the problem for the finance person."""


@dataclass
class DraftLine:
    kind: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    minutes: int | None = None
    agreement_id: int | None = None
    subscription_id: int | None = None
    ticket_id: int | None = None
    project_id: int | None = None
    milestone_id: int | None = None
    billed: list[tuple[int, int]] = field(default_factory=list)  # (time entry, minutes)


@dataclass
class DraftInvoice:
    lines: list[DraftLine] = field(default_factory=list)
    covered: list[tuple[int, int]] = field(default_factory=list)  # (time entry, minutes) covered by an agreement
    commissions: list[dict] = field(default_factory=list)


@dataclass
class MonthData:
    """Everything the run needs about a month, loaded in a handful of queries for all clients."""

    month: date
    agreements: dict[int, list[Agreement]]
    users: dict[int, int]
    devices: dict[int, int]
    entries: dict[int, list[dict]]
    subscriptions: dict[int, list[AppSubscription]]
    fees: dict[tuple[str, int | None], Decimal]
    discounts: list[QuantityDiscount]
    awaiting: dict[int, dict] = field(default_factory=dict)  # client → {entries, minutes} left out for approval
    milestones: dict[int, list[Milestone]] = field(default_factory=dict)  # fixed-fee milestones reached in the month

    @classmethod
    def load(cls, month: date, client_ids: list[int] | None = None,
             approved_only: bool = False) -> "MonthData":
        """`approved_only`: bill only approved time (the billing setting); the rest is counted in `awaiting`."""
        last = month_last_day(month)
        start, end = month_span(month)
        scope = Q(client_id__in=client_ids) if client_ids is not None else Q()
        agreements = defaultdict(list)
        for agreement in (Agreement.objects.in_force_during(month, last).filter(scope).select_related("package")
                          .order_by("pk")):
            agreements[agreement.client_id].append(agreement)
        users, devices = billable_users(scope), active_devices(scope)
        entries = defaultdict(list)
        entry_scope = Q(client_id__in=client_ids) if client_ids is not None else Q()
        month_time = TimeEntry.objects.filter(entry_scope, Q(ticket__isnull=False) | Q(task__isnull=False),
                                              billable=True, started_at__gte=start, started_at__lt=end)
        awaiting = {}
        if approved_only:
            awaiting = {row["client_id"]: row for row in month_time.awaiting_approval().values("client_id").annotate(
                entries=Count("pk"), minutes=Sum("minutes"))}
            month_time = month_time.approved()
        for row in (month_time.order_by("started_at", "pk")
                    .values("pk", "minutes", "bill_rate", "ticket_id", "client_id", "ticket__number",
                            "ticket__subject", "ticket__in_scope", "ticket__agreement_id", *PROJECT_ENTRY_FIELDS)):
            entries[row["client_id"]].append(row)
        milestones = defaultdict(list)
        for milestone in (Milestone.objects.filter(project__billing=BillingTerms.FIXED_FEE, amount__gt=0,
                                                   completed_on__gte=month, completed_on__lte=last)
                          .filter(Q(project__client_id__in=client_ids) if client_ids is not None else Q())
                          .select_related("project").order_by("completed_on", "pk")):
            milestones[milestone.project.client_id].append(milestone)
        subscriptions = defaultdict(list)
        for subscription in (AppSubscription.objects.in_force_during(month, last).filter(scope).select_related("app")
                             .order_by("app__name", "pk")):
            subscriptions[subscription.client_id].append(subscription)
        fees = {(fee.app_class, fee.package_id): fee.fee_per_user for fee in AppFee.objects.all()}
        return cls(month, agreements, users, devices, entries, subscriptions, fees,
                   list(QuantityDiscount.objects.order_by("-min_apps")), awaiting, milestones)

    def client_ids(self) -> set[int]:
        return (set(self.agreements) | set(self.entries) | set(self.subscriptions) | set(self.awaiting)
                | set(self.milestones))


def _recurring_line(agreement: Agreement, data: MonthData, days: int, month_days: int) -> DraftLine:
    kind = agreement.kind
    if kind not in RECURRING_KINDS:
        raise BillingProblem(f"Agreement “{agreement.name}” has an unknown unit “{kind}”.")
    quantity = recurring_quantity(agreement, data.users.get(agreement.client_id, 0),
                                  data.devices.get(agreement.client_id, 0))
    unit = {AgreementKind.PER_USER: "users", AgreementKind.PER_DEVICE: "devices", AgreementKind.FLAT: "× monthly fee",
            AgreementKind.BLOCK_HOURS: f"× block of {agreement.block_hours} h"}[kind]
    if quantity < 0:
        raise BillingProblem(f"Agreement “{agreement.name}” has a negative quantity ({quantity}).")
    if agreement.unit_price <= 0:
        raise BillingProblem(f"Agreement “{agreement.name}” has no price: set its unit price.")
    description = f"{agreement.name} — {quantity.normalize():f} {unit}"
    if days < month_days:
        description += f" (prorated {days}/{month_days} days)"
    amount = cents(quantity * agreement.unit_price * days / month_days)
    return DraftLine(LineKind.RECURRING, description, quantity, agreement.unit_price, amount,
                     agreement_id=agreement.pk)


def _rate(entry: dict, agreement: Agreement | None) -> Decimal:
    rate = agreement.hourly_rate if agreement is not None and agreement.hourly_rate > 0 else entry["bill_rate"]
    if entry["task__project_id"] and agreement is None and entry["task__project__hourly_rate"] > 0:
        rate = entry["task__project__hourly_rate"]  # a time & materials project's own rate
    if rate <= 0:
        where = (f"Project PRJ-{entry['task__project__number']:05d}" if entry["task__project_id"]
                 else f"Ticket #{entry['ticket__number']}")
        raise BillingProblem(f"{where} has billable time with no rate: give the "
                             f"{'project' if entry['task__project_id'] else 'agreement'} an hourly rate or the "
                             "technician a bill rate.")
    return rate


PROJECT_ENTRY_FIELDS = ("task__project_id", "task__project__number", "task__project__name", "task__project__billing",
                        "task__project__agreement_id", "task__project__hourly_rate")


def _milestone_lines(milestones: list[Milestone], draft: DraftInvoice) -> None:
    """Fixed-fee projects bill each milestone's amount in the month it is reached (once: the month's invoice is)."""
    for milestone in milestones:
        project = milestone.project
        draft.lines.append(DraftLine(LineKind.MILESTONE, f"{project.reference} {project.name} — milestone "
                                     f"“{milestone.name}” reached {milestone.completed_on:%Y-%m-%d}"[:300],
                                     Decimal(1), milestone.amount, milestone.amount, project_id=project.pk,
                                     milestone_id=milestone.pk))


def _time_lines(entries: list[dict], agreements: dict[int, Agreement], data: MonthData,
                draft: DraftInvoice) -> None:
    """Put every billable minute in one bucket: covered by the agreement, or billed on a time/overage line."""
    allowance: dict[int, int] = {}
    for agreement in agreements.values():
        if agreement.kind == AgreementKind.BLOCK_HOURS:
            days, month_days = proration(agreement.start_date, agreement.end_date, data.month)
            block = (agreement.block_hours or 0) * agreement.quantity * 60 * days / month_days
            allowance[agreement.pk] = int(block)
    billed: dict[tuple, DraftLine] = {}

    def bill(entry: dict, minutes: int, rate: Decimal, kind: str, label: str, agreement_id: int | None) -> None:
        project = entry["task__project_id"]
        key = (entry["ticket_id"], project, rate, kind)
        line = billed.get(key)
        if line is None:
            what = (f"PRJ-{entry['task__project__number']:05d} {entry['task__project__name']}" if project
                    else f"Ticket #{entry['ticket__number']} {entry['ticket__subject']}")
            line = billed[key] = DraftLine(kind, f"{what} — {label}"[:300], Decimal(0), rate, Decimal(0), minutes=0,
                                           agreement_id=agreement_id, ticket_id=entry["ticket_id"],
                                           project_id=project)
        line.minutes += minutes
        line.billed.append((entry["pk"], minutes))

    for entry in entries:
        minutes = entry["minutes"]
        # A project's time follows its billing terms: covered by a fixed fee, billed by time & materials, or
        # treated as in-scope work of the agreement it is billed under.
        terms = entry["task__project__billing"]
        if terms == BillingTerms.FIXED_FEE:
            draft.covered.append((entry["pk"], minutes))
            continue
        if terms == BillingTerms.TIME_AND_MATERIALS:
            bill(entry, minutes, _rate(entry, None), LineKind.TIME, "time and materials", None)
            continue
        if terms == BillingTerms.AGREEMENT:
            entry = {**entry, "ticket__agreement_id": entry["task__project__agreement_id"], "ticket__in_scope": True}
        agreement = agreements.get(entry["ticket__agreement_id"])
        if agreement is None:
            bill(entry, minutes, _rate(entry, None), LineKind.TIME, "no agreement", None)
        elif not entry["ticket__in_scope"]:
            bill(entry, minutes, _rate(entry, None), LineKind.TIME, "out of scope", agreement.pk)
        elif agreement.kind == AgreementKind.TIME_AND_MATERIALS:
            bill(entry, minutes, _rate(entry, agreement), LineKind.TIME, "time and materials", agreement.pk)
        elif agreement.kind == AgreementKind.BLOCK_HOURS:
            left = allowance.get(agreement.pk, 0)
            covered = min(left, minutes)
            allowance[agreement.pk] = left - covered
            if covered:
                draft.covered.append((entry["pk"], covered))
            if minutes - covered:
                bill(entry, minutes - covered, _rate(entry, agreement), LineKind.OVERAGE,
                     f"beyond the {agreement.block_hours} h block", agreement.pk)
        else:
            draft.covered.append((entry["pk"], minutes))
    for line in billed.values():
        line.quantity = hours(line.minutes)
        line.amount = time_amount(line.minutes, line.unit_price)
        draft.lines.append(line)


def _app_lines(client_id: int, agreements: list[Agreement], data: MonthData, draft: DraftInvoice) -> None:
    subscriptions = data.subscriptions.get(client_id, [])
    if not subscriptions:
        return
    package = next((a.package for a in agreements if a.package_id), None)
    app_lines = []
    for subscription in subscriptions:
        app = subscription.app
        fee = data.fees.get((app.app_class, package.pk if package else None), data.fees.get((app.app_class, None)))
        if fee is None:
            raise BillingProblem(f"No app fee is set for {app.get_app_class_display()} apps"
                                 f"{f' in the {package} package' if package else ''} (app {app.name}).")
        days, month_days = proration(subscription.start_date, subscription.end_date, data.month)
        description = f"{app.name} management ({app.get_app_class_display()}) — {subscription.users} users"
        if days < month_days:
            description += f" (prorated {days}/{month_days} days)"
        quantity = Decimal(subscription.users)
        line = DraftLine(LineKind.APP, description, quantity, fee, cents(quantity * fee * days / month_days),
                         subscription_id=subscription.pk)
        app_lines.append(line)
        base = cents(quantity * app.licence_price * days / month_days)
        rate = app.effective_commission_rate
        draft.commissions.append({"subscription_id": subscription.pk, "base": base, "rate": rate,
                                  "amount": cents(base * rate / 100)})
    draft.lines.extend(app_lines)
    tier = next((d for d in data.discounts if d.min_apps <= len(subscriptions)), None)
    if tier is not None and tier.percent > 0:
        gross = sum(line.amount for line in app_lines)
        draft.lines.append(DraftLine(LineKind.DISCOUNT, f"Quantity discount {tier.percent.normalize():f}% "
                                     f"({len(subscriptions)} apps managed)", Decimal(1),
                                     -cents(gross * tier.percent / 100), -cents(gross * tier.percent / 100)))


def price_client(client_id: int, data: MonthData) -> DraftInvoice:
    """The lines of one client's invoice for the month; raises BillingProblem and writes nothing."""
    draft = DraftInvoice()
    agreements = data.agreements.get(client_id, [])
    for agreement in agreements:
        if agreement.kind == AgreementKind.TIME_AND_MATERIALS:
            continue
        days, month_days = proration(agreement.start_date, agreement.end_date, data.month)
        draft.lines.append(_recurring_line(agreement, data, days, month_days))
    _app_lines(client_id, agreements, data, draft)
    _milestone_lines(data.milestones.get(client_id, []), draft)
    _time_lines(data.entries.get(client_id, []), {a.pk: a for a in agreements}, data, draft)
    return draft


@dataclass
class RunResult:
    month: date
    created: int = 0
    regenerated: int = 0
    skipped: list[str] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    nothing_to_bill: int = 0
    left_out: list[dict] = field(default_factory=list)  # {client_id, client, entries, minutes, reason}

    def summary(self) -> str:
        parts = [f"Billing run {self.month:%Y-%m}: {self.created} invoice(s) created"]
        if self.regenerated:
            parts.append(f"{self.regenerated} draft(s) regenerated")
        if self.skipped:
            parts.append(f"{len(self.skipped)} client(s) already invoiced for this month, left as they are")
        if self.problems:
            parts.append(f"{len(self.problems)} client(s) not billed because of a problem")
        if not self.created and not self.regenerated and not self.problems:
            parts.append("nothing new to bill")
        if self.left_out:
            minutes = sum(row["minutes"] for row in self.left_out)
            parts.append(f"{hours(minutes)} h of billable time of {len(self.left_out)} client(s) left out: "
                         f"{AWAITING_APPROVAL}")
        return "; ".join(parts) + "."


AWAITING_APPROVAL = ("its week is not approved yet (billing waits for approval); approve the weeks, then "
                     "regenerate the draft")


def _write(client: Client, month: date, draft: DraftInvoice, settings: BillingSettings, by: User | None) -> None:
    subtotal = sum((line.amount for line in draft.lines), Decimal(0))
    tax = cents(subtotal * settings.tax_rate / 100)
    invoice = Invoice.objects.create(client=client, period_start=month, period_end=month_last_day(month),
                                     tax_rate=settings.tax_rate, subtotal=subtotal, tax=tax, total=subtotal + tax,
                                     created_by=by)
    lines = InvoiceLine.objects.bulk_create([
        InvoiceLine(invoice=invoice, position=position, kind=line.kind, description=line.description,
                    quantity=line.quantity, unit_price=line.unit_price, amount=line.amount, minutes=line.minutes,
                    agreement_id=line.agreement_id, subscription_id=line.subscription_id, ticket_id=line.ticket_id,
                    project_id=line.project_id, milestone_id=line.milestone_id)
        for position, line in enumerate(draft.lines, start=1)])
    allocations = [TimeAllocation(time_entry_id=entry, invoice=invoice, bucket=Bucket.COVERED, minutes=minutes)
                   for entry, minutes in draft.covered]
    for saved, line in zip(lines, draft.lines, strict=True):
        allocations += [TimeAllocation(time_entry_id=entry, invoice=invoice, line=saved, bucket=Bucket.BILLED,
                                       minutes=minutes) for entry, minutes in line.billed]
    TimeAllocation.objects.bulk_create(allocations)  # an entry is covered at most once and billed on one line
    Commission.objects.bulk_create([Commission(client=client, invoice=invoice, period_start=month, **row)
                                    for row in draft.commissions])


def run_billing(month: date, *, by: User | None = None, regenerate: bool = False,
                client_ids: list[int] | None = None) -> RunResult:
    """Bill a month: one draft invoice per client. Idempotent: clients already invoiced are left alone,
    except that `regenerate` rebuilds drafts. A client whose data cannot be billed gets nothing and a problem;
    every other client is still billed (each client is its own transaction)."""
    if month > month_start(timezone.localdate()):
        raise ValidationError(f"{month:%Y-%m} has not started yet; bill a month that has begun or ended.")
    run = BillingRun.objects.create(month=month, by=by, regenerate=regenerate)
    result = RunResult(month)
    settings = BillingSettings.current()
    data = MonthData.load(month, client_ids, approved_only=settings.bill_approved_time_only)
    existing = dict(Invoice.objects.filter(kind=InvoiceKind.INVOICE, period_start=month)
                    .exclude(status=InvoiceStatus.CREDITED).values_list("client_id", "status"))
    clients = Client.objects.filter(pk__in=data.client_ids()).order_by("name")
    for client in clients:
        status = existing.get(client.pk)
        if status == InvoiceStatus.ISSUED or (status == InvoiceStatus.DRAFT and not regenerate):
            result.skipped.append(client.name)
            continue
        left_out = data.awaiting.get(client.pk)
        if left_out:
            result.left_out.append({"client_id": client.pk, "client": client.name, "entries": left_out["entries"],
                                    "minutes": left_out["minutes"], "reason": AWAITING_APPROVAL})
        try:
            with transaction.atomic():
                if status == InvoiceStatus.DRAFT:
                    Invoice.objects.filter(client=client, kind=InvoiceKind.INVOICE, period_start=month,
                                           status=InvoiceStatus.DRAFT).delete()
                draft = price_client(client.pk, data)
                if not draft.lines:
                    result.nothing_to_bill += 1
                    continue
                _write(client, month, draft, settings, by)
        except BillingProblem as problem:
            result.problems.append({"client_id": client.pk, "client": client.name, "message": str(problem)})
            continue
        except IntegrityError:  # a concurrent run invoiced this client first
            result.skipped.append(client.name)
            continue
        if status == InvoiceStatus.DRAFT:
            result.regenerated += 1
        else:
            result.created += 1
    BillingRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), created=result.created + result.regenerated, skipped=len(result.skipped),
        problems=result.problems, left_out=result.left_out)
    return result


DOCUMENT_FIELDS = ["seller_name", "seller_address", "seller_tax_id", "currency", "payment_terms_days",
                   "bill_to_name", "bill_to_attention", "bill_to_address"]


def issue_invoices(invoices, *, by: User | None = None, today: date | None = None) -> int:
    """Issue drafts: each takes the next invoice number (gap-free, in client-name order) and becomes a document:
    the seller's details, the client's billing details, the currency and terms are copied onto it."""
    today = today or timezone.localdate()
    seller = seller_details(BillingSettings.current())
    terms = seller["payment_terms_days"]
    with transaction.atomic():
        drafts = list(invoices.select_for_update(of=("self",)).filter(status=InvoiceStatus.DRAFT,
                                                                    kind=InvoiceKind.INVOICE)
                      .order_by("period_start", "client__name", "pk"))
        if not drafts:
            return 0
        bill_to = bill_to_details(sorted({invoice.client_id for invoice in drafts}))
        for invoice, number in zip(drafts, next_numbers("invoice", len(drafts)), strict=True):
            invoice.number, invoice.status = number, InvoiceStatus.ISSUED
            invoice.issued_on, invoice.due_on = today, today + timedelta(days=terms)
            for name, value in {**seller, **bill_to[invoice.client_id]}.items():
                setattr(invoice, name, value)
        Invoice.objects.bulk_update(drafts, ["number", "status", "issued_on", "due_on", *DOCUMENT_FIELDS])
        signals.invoices_issued.send(sender=Invoice, invoices=drafts)
    return len(drafts)


def credit_invoice(invoice: Invoice, *, reason: str, by: User | None = None, today: date | None = None) -> Invoice:
    """Reverse an issued invoice in full with a credit note; the month can then be billed again.

    The note is a document of its own, issued today: today's seller and client details, but the original's
    currency and tax rate (it reverses those amounts)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the invoice is credited; it is printed on the credit note."})
    today = today or timezone.localdate()
    with transaction.atomic():
        original = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if original.kind != InvoiceKind.INVOICE or original.status != InvoiceStatus.ISSUED:
            raise ValidationError("Only an issued invoice can be credited; a draft can simply be regenerated.")
        details = {**seller_details(BillingSettings.current()),
                   **bill_to_details([original.client_id])[original.client_id], "currency": original.currency}
        note = Invoice.objects.create(
            client_id=original.client_id, kind=InvoiceKind.CREDIT_NOTE, status=InvoiceStatus.ISSUED,
            number=next_numbers("credit_note")[0], period_start=original.period_start,
            period_end=original.period_end, issued_on=today, due_on=today, tax_rate=original.tax_rate,
            subtotal=-original.subtotal, tax=-original.tax, total=-original.total, credits=original,
            reason=reason[:300], created_by=by, **details)
        InvoiceLine.objects.bulk_create([
            InvoiceLine(invoice=note, position=line.position, kind=line.kind, description=line.description,
                        quantity=line.quantity, unit_price=line.unit_price, amount=-line.amount,
                        agreement_id=line.agreement_id, subscription_id=line.subscription_id,
                        ticket_id=line.ticket_id, project_id=line.project_id)
            for line in original.lines.all()])
        Invoice.objects.filter(pk=original.pk).update(status=InvoiceStatus.CREDITED)
    return note


@dataclass
class Reconciliation:
    client: Client
    month: date
    total: int
    billed: int
    covered: int
    unbilled: int
    unbilled_entries: list[TimeEntry]
    awaiting_approval: int = 0
    awaiting_entries: list[TimeEntry] = field(default_factory=list)


def reconciled_entries(client: Client, month: date):
    """The client's billable time entries of the month, each with the minutes billed, covered and not yet on an
    invoice (`open_minutes`)."""
    start, end = month_span(month)
    live = ~Q(allocations__invoice__status=InvoiceStatus.CREDITED)
    return (TimeEntry.objects.filter(billable=True, client=client, started_at__gte=start, started_at__lt=end)
            .annotate(billed_minutes=Coalesce(Sum("allocations__minutes",
                                                  filter=live & Q(allocations__bucket=Bucket.BILLED)), 0),
                      covered_minutes=Coalesce(Sum("allocations__minutes",
                                                   filter=live & Q(allocations__bucket=Bucket.COVERED)), 0))
            .annotate(unbilled_minutes=F("minutes") - F("billed_minutes") - F("covered_minutes")))


def reconcile(client: Client, month: date) -> Reconciliation:
    """Every billable minute of the month in exactly one bucket: billed, covered, awaiting approval (when billing
    waits for approval and the entry's week is not approved) or unbilled (both listed)."""
    entries = reconciled_entries(client, month)
    waits = BillingSettings.current().bill_approved_time_only
    waiting = Q(approved_at__isnull=True) if waits else Q(pk__in=[])
    sums = {"total": Coalesce(Sum("minutes"), 0), "billed": Coalesce(Sum("billed_minutes"), 0),
            "covered": Coalesce(Sum("covered_minutes"), 0)}
    totals = entries.aggregate(**sums)
    waiting_totals = entries.filter(waiting).aggregate(**sums) if waits else {"total": 0, "billed": 0, "covered": 0}
    awaiting_minutes = waiting_totals["total"] - waiting_totals["billed"] - waiting_totals["covered"]
    open_entries = (entries.filter(unbilled_minutes__gt=0).select_related("ticket", "technician", "task__project")
                    .order_by("started_at", "pk"))
    unbilled = list(open_entries.exclude(waiting))
    awaiting = list(open_entries.filter(waiting)) if waits else []
    return Reconciliation(client, month, totals["total"], totals["billed"], totals["covered"],
                          totals["total"] - totals["billed"] - totals["covered"] - awaiting_minutes, unbilled,
                          awaiting_minutes, awaiting)


# --- settings and per-client costs -------------------------------------------------------------------------------

def update_billing_settings(*, by: User | None, **changes) -> BillingSettings:
    """Change the MSP's billing details: drafts show them at once, issued invoices keep the copy they were
    issued with, the tax rate applies to invoices generated from now on."""
    with transaction.atomic():
        settings = BillingSettings.current()
        before = snapshot(settings)
        for name, value in changes.items():
            setattr(settings, name, value)
        settings.full_clean()
        settings.save()
        settings.refresh_from_db()
        record(by, settings, before)
    return settings


def add_tool_cost(*, by: User | None, client: Client, name: str, basis: str, unit_cost: Decimal, start_date: date,
                  end_date: date | None = None) -> ToolCost:
    """A tool or licence the MSP carries for the client each month (a direct cost in the margin report)."""
    cost = ToolCost(client=client, name=name, basis=basis, unit_cost=unit_cost, start_date=start_date,
                    end_date=end_date)
    cost.full_clean()
    with transaction.atomic():
        cost.save()
        cost.refresh_from_db()
        record(by, cost, None)
    return cost


def update_tool_cost(*, by: User | None, tool_cost: ToolCost, **changes) -> ToolCost:
    with transaction.atomic():
        stored = ToolCost.objects.get(pk=tool_cost.pk)
        before = snapshot(stored)
        for name, value in changes.items():
            setattr(tool_cost, name, value)
        tool_cost.full_clean()
        tool_cost.save()
        tool_cost.refresh_from_db()
        record(by, tool_cost, before)
    return tool_cost


def remove_tool_cost(*, by: User | None, tool_cost: ToolCost) -> None:
    with transaction.atomic():
        delete_audited(tool_cost, by)
