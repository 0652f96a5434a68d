"""REST endpoints for money (finance role): invoices, billing runs, credit notes, reconciliation, margins."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from bspos.clients.models import Client
from bspos.core.api import MAX_ID, Id, Pages, existing, require_write, staff_read, text
from bspos.core.dates import last_month, months_ending, parse_month
from bspos.core.filters import api_filter, query_schema
from bspos.core.permissions import Can, require
from bspos.money import reports
from bspos.money.filters import InvoiceFilter
from bspos.money.models import Invoice, InvoiceKind, InvoiceStatus
from bspos.money.services import credit_invoice, issue_invoices, reconcile, run_billing

router = Router(tags=["money"])
PathId = Path(..., ge=1, le=MAX_ID)
Month = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM", examples=["2026-10"])]


def finance_read(request) -> None:
    staff_read(request)
    require(request.user, Can.FINANCE)


class InvoiceOut(Schema):
    id: int
    number: str
    kind: InvoiceKind
    status: InvoiceStatus
    client_id: int
    period_start: date
    period_end: date
    issued_on: date | None
    due_on: date | None
    subtotal: Decimal
    tax_rate: Decimal
    tax: Decimal
    total: Decimal
    credits_id: int | None
    reason: str

    @staticmethod
    def resolve_number(invoice: Invoice) -> str:
        return invoice.display_number


class LineOut(Schema):
    position: int
    kind: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    minutes: int | None
    agreement_id: int | None
    subscription_id: int | None
    ticket_id: int | None


class InvoiceDetailOut(InvoiceOut):
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(invoice: Invoice) -> list:
        return list(invoice.lines.all())


InvoiceQuery = query_schema(InvoiceFilter)


@router.get("/invoices", response=list[InvoiceOut])
@paginate(Pages)
def list_invoices(request, filters: Query[InvoiceQuery]):
    """Invoices and credit notes, with the invoice list's filters (`month` YYYY-MM, `status`, `kind`, `client`,
    `q` over the client's name); a bad value is a 422 naming it."""
    finance_read(request)
    return api_filter(InvoiceFilter, request, Invoice.objects.visible_to(request.user)
                      .order_by("-period_start", "client_id", "kind", "id"))


@router.get("/invoices/{invoice_id}", response=InvoiceDetailOut)
def get_invoice(request, invoice_id: int = PathId):
    finance_read(request)
    return get_object_or_404(Invoice.objects.prefetch_related("lines"), pk=invoice_id)


class RunIn(Schema):
    month: Month
    regenerate: bool = False


class Problem(Schema):
    client_id: int
    client: str
    message: str


class LeftOut(Schema):
    client_id: int
    client: str
    entries: int
    minutes: int
    reason: str


class RunOut(Schema):
    month: date
    created: int
    regenerated: int
    skipped: list[str]
    problems: list[Problem]
    left_out: list[LeftOut] = Field(description="Billable time not billed because its week is not approved yet "
                                                "(when billing waits for approval).")
    summary: str


@router.post("/billing-runs", response={201: RunOut})
def create_billing_run(request, payload: RunIn):
    """Bill a month; idempotent: clients already invoiced are left alone (drafts rebuilt with `regenerate`)."""
    finance_read(request)
    require_write(request, Can.FINANCE)
    result = run_billing(parse_month(payload.month), by=request.user, regenerate=payload.regenerate)
    return Status(201, {"month": result.month, "created": result.created, "regenerated": result.regenerated,
                        "skipped": result.skipped, "problems": result.problems, "left_out": result.left_out,
                        "summary": result.summary()})


@router.post("/invoices/{invoice_id}/issue", response=InvoiceOut)
def issue_invoice(request, invoice_id: int = PathId):
    finance_read(request)
    require_write(request, Can.FINANCE)
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    if not issue_invoices(Invoice.objects.filter(pk=invoice.pk), by=request.user):
        raise ValidationError("Only a draft invoice can be issued.")
    invoice.refresh_from_db()
    return invoice


class CreditIn(Schema):
    reason: text(300, min_length=1)


@router.post("/invoices/{invoice_id}/credit-notes", response={201: InvoiceOut})
def create_credit_note(request, payload: CreditIn, invoice_id: int = PathId):
    finance_read(request)
    require_write(request, Can.FINANCE)
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    return Status(201, credit_invoice(invoice, reason=payload.reason, by=request.user))


class UnbilledOut(Schema):
    time_entry_id: int
    ticket_number: int | None
    task_id: int | None = Field(None, description="The project task, for time on a project.")
    started_at: str
    minutes: int
    unbilled_minutes: int


class ReconciliationOut(Schema):
    client_id: int
    month: date
    billable_minutes: int
    billed: int
    covered: int
    unbilled: int
    unbilled_entries: list[UnbilledOut]
    awaiting_approval: int = Field(description="Minutes left out because their week is not approved yet (only "
                                               "when billing waits for approval).")
    awaiting_entries: list[UnbilledOut]


@router.get("/reconciliation", response=ReconciliationOut)
def get_reconciliation(request, client_id: Id | None = None, month: str | None = None):
    """Every billable minute of a client's month: billed, covered by the agreement, awaiting approval or unbilled
    (both listed)."""
    finance_read(request)  # before any validation, so nobody learns more than "not found" or "not allowed"
    if client_id is None or not month:
        raise ValidationError({"client_id": "Give client_id and month (YYYY-MM)."})
    client = existing(Client, client_id, "client_id")
    result = reconcile(client, parse_month(month))
    return {"client_id": client.pk, "month": result.month, "billable_minutes": result.total, "billed": result.billed,
            "covered": result.covered, "unbilled": result.unbilled,
            "unbilled_entries": [_open_entry(e) for e in result.unbilled_entries],
            "awaiting_approval": result.awaiting_approval,
            "awaiting_entries": [_open_entry(e) for e in result.awaiting_entries]}


def _open_entry(entry) -> dict:
    return {"time_entry_id": entry.pk, "ticket_number": entry.ticket.number if entry.ticket_id else None,
            "task_id": entry.task_id, "started_at": entry.started_at.isoformat(),
            "minutes": entry.minutes, "unbilled_minutes": entry.unbilled_minutes}


class ClientMarginOut(Schema):
    client_id: int
    name: str
    tier: str
    revenue: Decimal
    commission: Decimal
    labour: Decimal
    tools: Decimal
    margin: Decimal
    margin_pct: Decimal | None
    tier_avg: Decimal | None
    flagged: bool


class MarginsOut(Schema):
    first_month: date
    last_month: date
    flag_points: Decimal
    clients: list[ClientMarginOut]


@router.get("/margins", response=MarginsOut)
def get_margins(request, months: Annotated[int, Field(ge=1, le=36)] = 12):
    """Gross margin per client over the last `months` complete months, flagged against the tier average."""
    finance_read(request)
    report = reports.margin_report(months_ending(last_month(), months))
    return {"first_month": report.months[0], "last_month": report.months[-1], "flag_points": report.flag_points,
            "clients": report.clients}
