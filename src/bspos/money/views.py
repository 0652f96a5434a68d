"""Finance pages: invoices (list, page, PDF, CSV), the billing run, reconciliation and gross margin."""


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

from bspos.catalogue.models import AppSubscription
from bspos.catalogue.services import end_subscription, subscribe
from bspos.clients.models import Client
from bspos.core import csvwriter
from bspos.core.dates import last_month, months_ending, parse_month
from bspos.core.permissions import Can, requires
from bspos.money import reports
from bspos.money.filters import InvoiceFilter
from bspos.money.forms import BillingSettingsForm, ReportForm, RowIdForm, SubscriptionForm, ToolCostForm
from bspos.money.models import BillingRun, BillingSettings, Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from bspos.money.selectors import document
from bspos.money.services import (
    add_tool_cost,
    credit_invoice,
    issue_invoices,
    reconcile,
    remove_tool_cost,
    run_billing,
    update_billing_settings,
)


def _invoice_filter(request: HttpRequest) -> InvoiceFilter:
    return InvoiceFilter(request.GET, Invoice.objects.visible_to(request.user).select_related("client"),
                         request=request)


@requires(Can.FINANCE)
def invoice_list(request: HttpRequest) -> HttpResponse:
    filters = _invoice_filter(request)
    invoices = filters.qs
    totals = invoices.aggregate(count=Count("pk"), subtotal=Sum("subtotal"), total=Sum("total"),
                                drafts=Count("pk", filter=Q(status=InvoiceStatus.DRAFT)))
    page = Paginator(invoices.order_by("-period_start", "client__name", "kind", "pk"), 50) \
        .get_page(request.GET.get("page"))
    return render(request, "money/invoice_list.html", {
        "page": page, "filter": filters, "totals": totals,
        "suggested_month": filters.chosen_month() or last_month(),
        "runs": BillingRun.objects.select_related("by")[:5],
    })


LISTED = 10  # clients with time left out named after a run; the rest are counted


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
    for row in result.left_out[:LISTED]:
        messages.warning(request, f"Left out — {row['client']}: {row['minutes']} minutes in {row['entries']} "
                                  "entries awaiting approval.")
    if len(result.left_out) > LISTED:
        messages.warning(request, f"… and {len(result.left_out) - LISTED} more clients with time awaiting approval "
                                  "(see Time to billing).")
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
        "invoice": invoice, "lines": invoice.lines.select_related("ticket"), "document": document(invoice),
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
    html = render_to_string("money/invoice_pdf.html", {
        "invoice": invoice, "lines": invoice.lines.all(), "document": document(invoice)})
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    name = invoice.display_number if invoice.number else f"draft-{invoice.pk}"
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


CSV_HEADER = ["document", "kind", "status", "client", "period", "issued_on", "due_on", "line", "description",
              "quantity", "unit_price", "amount", "tax_rate", "invoice_subtotal", "invoice_tax", "invoice_total",
              "currency"]


@requires(Can.FINANCE)
def invoice_csv(request: HttpRequest) -> StreamingHttpResponse:
    """One row per invoice line, for the accounting package; the same filters as the list. An issued document
    shows the client name and currency it was issued with, a draft today's."""
    filters = _invoice_filter(request)
    month = filters.chosen_month()
    lines = (InvoiceLine.objects.filter(invoice__in=filters.qs).select_related("invoice__client")
             .order_by("invoice__period_start", "invoice__kind", "invoice__number", "invoice__pk", "position"))
    currency_now = BillingSettings.current().currency

    def rows():
        for line in lines.iterator(chunk_size=2000):
            invoice = line.invoice
            issued = invoice.number is not None
            yield [invoice.display_number, invoice.kind, invoice.status,
                   invoice.bill_to_name if issued else invoice.client.name, f"{invoice.period_start:%Y-%m}",
                   invoice.issued_on, invoice.due_on, line.position, line.description, line.quantity,
                   line.unit_price, line.amount, invoice.tax_rate, invoice.subtotal, invoice.tax, invoice.total,
                   invoice.currency if issued else currency_now]

    return csvwriter.stream(f"invoices-{month:%Y-%m}" if month else "invoices", CSV_HEADER, rows(),
                            dated=month is None)


def _report_choices(request: HttpRequest) -> dict:
    """The report pages' choices (client, month, window); a bad one is ignored with a message."""
    form = ReportForm(request.GET)
    form.is_valid()
    for field, errors in form.errors.items():
        messages.error(request, f"{form.fields[field].label}: {' '.join(errors)} It was ignored.")
    return form.cleaned_data


@requires(Can.FINANCE)
def reconciliation(request: HttpRequest) -> HttpResponse:
    choices = _report_choices(request)
    month, client = choices.get("month") or last_month(), choices.get("client")
    context = {"month": month, "client": client, "clients": Client.objects.order_by("name").values_list("pk", "name")}
    if client is not None:
        context["result"] = reconcile(client, month)
    return render(request, "money/reconciliation.html", context)


@requires(Can.FINANCE)
def margins(request: HttpRequest) -> HttpResponse:
    choices = _report_choices(request)
    months, client = choices.get("months") or 12, choices.get("client")
    window = months_ending(last_month(), months)
    if client is not None:
        series = reports.client_months(client.pk, window)
        return render(request, "money/client_margin.html", {
            "client": client, "series": series, "months": months, "chart": reports.chart(series),
            "tool_costs": client.tool_costs.all(),
            "subscriptions": AppSubscription.objects.of_client(client).select_related("app"),
            "tool_form": ToolCostForm(initial={"start_date": timezone.localdate()}),
            "subscription_form": SubscriptionForm(initial={"start_date": timezone.localdate()})})
    report = reports.margin_report(window)
    return render(request, "money/margins.html", {"report": report, "months": months,
                                                  "chart": reports.chart(report.series)})


def _refused(request: HttpRequest, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}".lstrip(": "))


@requires(Can.FINANCE)
@require_POST
def client_costs(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Add or remove a client's tool costs and app subscriptions (what the client costs and what it uses)."""
    client = get_object_or_404(Client, pk=pk)
    back = f"{reverse('money:margins')}?client={client.pk}"
    try:
        if action == "add-tool":
            form = ToolCostForm(request.POST)
            if form.is_valid():
                row = add_tool_cost(by=request.user, client=client, **form.cleaned_data)
                messages.success(request, f"Added {row}.")
            else:
                _refused(request, form)
        elif action == "add-app":
            form = SubscriptionForm(request.POST)
            if form.is_valid():
                row = subscribe(by=request.user, client=client, **form.cleaned_data)
                messages.success(request, f"Added {row}.")
            else:
                _refused(request, form)
        elif action == "remove-tool":
            cost = client.tool_costs.filter(pk=RowIdForm.posted(request)).first()
            if cost is None:
                messages.error(request, "Nothing removed: no such tool cost.")
            else:
                remove_tool_cost(by=request.user, tool_cost=cost)
                messages.success(request, "Tool cost removed.")
        elif action == "end-app":
            subscription = AppSubscription.objects.of_client(client).filter(
                pk=RowIdForm.posted(request), end_date__isnull=True).select_related("app").first()
            if subscription is None:
                messages.error(request, "No open subscription with that id.")
            else:
                end_subscription(by=request.user, subscription=subscription, on=timezone.localdate())
                messages.success(request, f"{subscription.app.name} ends on {subscription.end_date}.")
        else:
            messages.error(request, "Unknown action.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(back)


@requires(Can.FINANCE)
def billing_settings(request: HttpRequest) -> HttpResponse:
    form = BillingSettingsForm(request.POST or None, instance=BillingSettings.current())
    if request.method == "POST" and form.is_valid():
        update_billing_settings(by=request.user, **form.cleaned_data)
        messages.success(request, "Billing settings saved: drafts show them now; issued invoices keep the details "
                                  "they were issued with.")
        return redirect("money:settings")
    return render(request, "money/settings.html", {"form": form})
