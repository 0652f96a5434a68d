"""Finance pages: invoices (list, page, PDF, CSV), the billing run, reconciliation and gross margin."""

import csv
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bspos.clients.models import Client
from bspos.core.dates import last_month, months_ending, parse_month
from bspos.core.permissions import Can, requires
from bspos.money import reports
from bspos.money.forms import BillingSettingsForm, SubscriptionForm, ToolCostForm
from bspos.money.models import BillingRun, BillingSettings, Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from bspos.money.services import credit_invoice, issue_invoices, reconcile, run_billing


def _month(request: HttpRequest, default: date | None = None) -> date | None:
    text = request.GET.get("month", "").strip()
    if not text:
        return default
    try:
        return parse_month(text)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return default


def _invoices(request: HttpRequest):
    invoices = Invoice.objects.select_related("client")
    month = _month(request)
    if month:
        invoices = invoices.filter(period_start=month)
    status = request.GET.get("status", "")
    if status in InvoiceStatus.values:
        invoices = invoices.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind in InvoiceKind.values:
        invoices = invoices.filter(kind=kind)
    q = request.GET.get("q", "").strip()
    if q:
        invoices = invoices.filter(client__name__icontains=q)
    return invoices, month, status, kind, q


@requires(Can.FINANCE)
def invoice_list(request: HttpRequest) -> HttpResponse:
    invoices, month, status, kind, q = _invoices(request)
    totals = invoices.aggregate(count=Count("pk"), subtotal=Sum("subtotal"), total=Sum("total"),
                                drafts=Count("pk", filter=Q(status=InvoiceStatus.DRAFT)))
    page = Paginator(invoices.order_by("-period_start", "client__name", "kind"), 50).get_page(request.GET.get("page"))
    return render(request, "money/invoice_list.html", {
        "page": page, "month": month, "status": status, "kind": kind, "q": q, "totals": totals,
        "statuses": InvoiceStatus.choices, "kinds": InvoiceKind.choices, "suggested_month": month or last_month(),
        "runs": BillingRun.objects.select_related("by")[:5],
    })


@requires(Can.FINANCE)
@require_POST
def billing_run(request: HttpRequest) -> HttpResponse:
    try:
        month = parse_month(request.POST.get("month", ""))
        result = run_billing(month, by=request.user, regenerate=request.POST.get("regenerate") == "on")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("money:invoices")
    messages.success(request, result.summary())
    for problem in result.problems:
        messages.error(request, f"Not billed — {problem['client']}: {problem['message']}")
    return redirect(f"{reverse('money:invoices')}?month={month:%Y-%m}")


@requires(Can.FINANCE)
@require_POST
def issue_month(request: HttpRequest) -> HttpResponse:
    try:
        month = parse_month(request.POST.get("month", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("money:invoices")
    issued = issue_invoices(Invoice.objects.filter(period_start=month), by=request.user)
    messages.success(request, f"{issued} draft invoice(s) of {month:%Y-%m} issued." if issued
                     else f"No drafts of {month:%Y-%m} to issue.")
    return redirect(f"{reverse('money:invoices')}?month={month:%Y-%m}")


@requires(Can.FINANCE)
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_object_or_404(Invoice.objects.select_related("client", "credits", "created_by"), pk=pk)
    return render(request, "money/invoice_detail.html", {
        "invoice": invoice, "lines": invoice.lines.select_related("ticket"), "settings": BillingSettings.current(),
        "credit_note": Invoice.objects.filter(credits=invoice).first(),
    })


@requires(Can.FINANCE)
@require_POST
def invoice_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    invoice = get_object_or_404(Invoice, pk=pk)
    try:
        if action == "issue":
            if not issue_invoices(Invoice.objects.filter(pk=pk), by=request.user):
                raise ValidationError("Only a draft can be issued.")
            messages.success(request, "Invoice issued; it will not change any more.")
        elif action == "regenerate":
            if invoice.status != InvoiceStatus.DRAFT:
                raise ValidationError("Only a draft can be regenerated; correct an issued invoice with a credit note.")
            result = run_billing(invoice.period_start, by=request.user, regenerate=True, client_ids=[invoice.client_id])
            if result.problems:
                raise ValidationError(result.problems[0]["message"])
            messages.success(request, "Draft regenerated from current data.")
            fresh = Invoice.objects.filter(client_id=invoice.client_id, period_start=invoice.period_start,
                                           kind=InvoiceKind.INVOICE, status=InvoiceStatus.DRAFT).first()
            return redirect("money:invoice", pk=fresh.pk) if fresh else redirect("money:invoices")
        elif action == "credit":
            note = credit_invoice(invoice, reason=request.POST.get("reason", ""), by=request.user)
            messages.success(request, f"Credit note {note.display_number} issued; the month can be billed again.")
            return redirect("money:invoice", pk=note.pk)
        else:
            raise ValidationError("Unknown action.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("money:invoice", pk=pk)


@requires(Can.FINANCE)
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from weasyprint import HTML  # imported here: it loads Pango, which only PDF rendering needs

    invoice = get_object_or_404(Invoice.objects.select_related("client", "credits"), pk=pk)
    contact = invoice.client.contacts.filter(is_primary=True).first()
    site = invoice.client.sites.first()
    html = render_to_string("money/invoice_pdf.html", {
        "invoice": invoice, "lines": invoice.lines.all(), "settings": BillingSettings.current(),
        "contact": contact, "site": site})
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    name = invoice.display_number if invoice.number else f"draft-{invoice.pk}"
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


CSV_HEADER = ["document", "kind", "status", "client", "period", "issued_on", "due_on", "line", "description",
              "quantity", "unit_price", "amount", "tax_rate", "invoice_subtotal", "invoice_tax", "invoice_total"]


@requires(Can.FINANCE)
def invoice_csv(request: HttpRequest) -> StreamingHttpResponse:
    """One row per invoice line, for the accounting package; the same filters as the list."""
    invoices, month, *_ = _invoices(request)
    lines = (InvoiceLine.objects.filter(invoice__in=invoices).select_related("invoice__client")
             .order_by("invoice__period_start", "invoice__kind", "invoice__number", "invoice__pk", "position"))
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(CSV_HEADER)
        for line in lines.iterator(chunk_size=2000):
            invoice = line.invoice
            yield writer.writerow([
                invoice.display_number, invoice.kind, invoice.status, invoice.client.name,
                f"{invoice.period_start:%Y-%m}", invoice.issued_on or "", invoice.due_on or "", line.position,
                line.description, line.quantity, line.unit_price, line.amount, invoice.tax_rate, invoice.subtotal,
                invoice.tax, invoice.total])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invoices-{month:%Y-%m}.csv"' if month else \
        'attachment; filename="invoices.csv"'
    return response


@requires(Can.FINANCE)
def reconciliation(request: HttpRequest) -> HttpResponse:
    month = _month(request, last_month())
    client = None
    client_id = request.GET.get("client", "")
    if client_id.isdigit():
        client = Client.objects.filter(pk=int(client_id)).first()
    context = {"month": month, "client": client, "clients": Client.objects.order_by("name").values_list("pk", "name")}
    if client is not None:
        context["result"] = reconcile(client, month)
    return render(request, "money/reconciliation.html", context)


@requires(Can.FINANCE)
def margins(request: HttpRequest) -> HttpResponse:
    try:
        months = min(max(int(request.GET.get("months", 12)), 1), 36)
    except ValueError:
        months = 12
    window = months_ending(last_month(), months)
    client_id = request.GET.get("client", "")
    client = Client.objects.filter(pk=int(client_id)).first() if client_id.isdigit() else None
    if client is not None:
        series = reports.client_months(client.pk, window)
        return render(request, "money/client_margin.html", {
            "client": client, "series": series, "months": months, "chart": reports.chart(series),
            "tool_costs": client.tool_costs.all(), "subscriptions": client.app_subscriptions.select_related("app"),
            "tool_form": ToolCostForm(initial={"start_date": timezone.localdate()}),
            "subscription_form": SubscriptionForm(initial={"start_date": timezone.localdate()})})
    report = reports.margin_report(window)
    return render(request, "money/margins.html", {"report": report, "months": months,
                                                  "chart": reports.chart(report.series)})


@requires(Can.FINANCE)
@require_POST
def client_costs(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Add or remove a client's tool costs and app subscriptions (what the client costs and what it uses)."""
    client = get_object_or_404(Client, pk=pk)
    back = f"{reverse('money:margins')}?client={client.pk}"
    if action in ("add-tool", "add-app"):
        form = (ToolCostForm if action == "add-tool" else SubscriptionForm)(request.POST)
        if form.is_valid():
            row = form.save(commit=False)
            row.client = client
            row.save()
            messages.success(request, f"Added {row}.")
        else:
            for field, errors in form.errors.items():
                messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: "
                                        f"{' '.join(errors)}".lstrip(": "))
    elif action == "remove-tool":
        deleted, _ = client.tool_costs.filter(pk=request.POST.get("id") or 0).delete()
        messages.success(request, "Tool cost removed." if deleted else "Nothing removed: no such tool cost.")
    elif action == "end-app":
        subscription = client.app_subscriptions.filter(pk=request.POST.get("id") or 0, end_date__isnull=True).first()
        if subscription is None:
            messages.error(request, "No open subscription with that id.")
        else:
            subscription.end_date = max(timezone.localdate(), subscription.start_date)
            subscription.save(update_fields=["end_date"])
            messages.success(request, f"{subscription.app.name} ends on {subscription.end_date}.")
    else:
        messages.error(request, "Unknown action.")
    return redirect(back)


@requires(Can.FINANCE)
def billing_settings(request: HttpRequest) -> HttpResponse:
    form = BillingSettingsForm(request.POST or None, instance=BillingSettings.current())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Billing settings saved; they apply to invoices generated from now on.")
        return redirect("money:settings")
    return render(request, "money/settings.html", {"form": form})
