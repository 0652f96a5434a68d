"""A client's plan pages: the lifecycle report, the three-year budget forecast (page, PDF, the client's portal) and
the monthly summary (preview, PDF, opt-in, send)."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from bspos.clients.models import Client
from bspos.core.dates import parse_month
from bspos.core.permissions import Can, can, contact_client_id, requires
from bspos.money.models import BillingSettings
from bspos.reviews import summary
from bspos.reviews.forecast import budget_forecast, renewal_increase
from bspos.reviews.lifecycle import WINDOWS, lifecycle_report
from bspos.reviews.models import MonthlySummary

PAGE_SIZE = 100
COLOURS = [("agreements", "Agreements", "#1f4e79"), ("one_time", "One-time", "#c77700"),
           ("monthly", "Monthly", "#2e7d4f"), ("hardware", "Hardware", "#7a4ea3")]


def forecast_chart(rows: list[dict], width: int = 640, height: int = 190) -> dict | None:
    """Stacked bars per quarter (agreements, roadmap one-time and monthly, hardware) as SVG geometry; the rows'
    amounts may be Decimals or the frozen strings of a pack."""
    if not rows:
        return None
    amounts = [{key: Decimal(str(row[key])) for key, _, _ in COLOURS} for row in rows]
    most = max(sum(row.values()) for row in amounts) or Decimal(1)
    top, bottom, slot = 18, height - 16, width / len(rows)
    bars = []
    for index, (row, parts) in enumerate(zip(rows, amounts, strict=True)):
        y, stacked = Decimal(bottom), []
        for key, name, colour in COLOURS:
            size = (bottom - top) * parts[key] / most
            y -= size
            if parts[key] > 0:
                stacked.append({"y": round(float(y), 1), "height": round(float(size), 1), "colour": colour,
                                "name": name, "amount": parts[key]})
        bars.append({"x": round(index * slot + slot * 0.15, 1), "width": round(slot * 0.7, 1), "parts": stacked,
                     "lx": round(index * slot + slot / 2, 1), "label": row["label"],
                     "short": row["label"].replace("FY", "").replace(" ", "")})
    legend = [{"x": 4 + n * 100, "tx": 18 + n * 100, "name": name, "colour": colour}
              for n, (_, name, colour) in enumerate(COLOURS)]
    return {"width": width, "height": height, "bars": bars, "legend": legend, "label_y": height - 4}


def _currency() -> str:
    return (BillingSettings.objects.filter(pk=1).first() or BillingSettings()).currency


def _client(client_id: int) -> Client:
    return get_object_or_404(Client, pk=client_id)


# --- lifecycle ----------------------------------------------------------------------------------------------------

@requires(Can.DESK_READ)
def lifecycle(request: HttpRequest, client_id: int) -> HttpResponse:
    company = _client(client_id)
    window = request.GET.get("window", "all")
    if window not in WINDOWS:
        messages.warning(request, "That window is not one of the choices; showing every device.")
        window = "all"
    report = lifecycle_report(company, window=window, today=timezone.localdate(), page=request.GET.get("page"),
                              page_size=PAGE_SIZE)
    return render(request, "reviews/lifecycle.html", {"client": company, "report": report, "page": report["page"],
                                                      "windows": [(key, label) for key, (label, _) in WINDOWS.items()]})


# --- forecast -----------------------------------------------------------------------------------------------------

def _forecast_context(company: Client) -> dict:
    forecast = budget_forecast(company, today=timezone.localdate())
    return {"client": company, "forecast": forecast, "chart": forecast_chart(forecast["quarters"])}


@requires(Can.DESK_READ)
def forecast(request: HttpRequest, client_id: int) -> HttpResponse:
    company = _client(client_id)
    status = 200
    if request.method == "POST":
        if not can(request.user, Can.VCIO):
            raise PermissionDenied("Your role cannot change the forecast.")
        try:
            increase = Decimal(request.POST.get("renewal_increase", "").strip())
            summary.update_plan_settings(company, by=request.user, renewal_increase=increase)
        except (InvalidOperation, ValidationError):
            messages.error(request, "Nothing saved: the price rise at renewal is a percentage from 0 to 100.")
            status = 400
        else:
            messages.success(request, f"Agreements now rise {increase}% at each renewal in the forecast.")
            return redirect("reviews:forecast", client_id=company.pk)
    return render(request, "reviews/forecast.html", {**_forecast_context(company), "editing": can(
        request.user, Can.VCIO), "increase": renewal_increase(company)}, status=status)


def _forecast_pdf(request: HttpRequest, company: Client) -> HttpResponse:
    from weasyprint import HTML  # loads Pango only when a PDF is asked for

    html = render_to_string("reviews/forecast_pdf.html", {**_forecast_context(company), "currency": _currency(),
                                                          "today": timezone.localdate()}, request=request)
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="it-budget-forecast-{company.pk}.pdf"'
    return response


@requires(Can.DESK_READ)
def forecast_pdf(request: HttpRequest, client_id: int) -> HttpResponse:
    return _forecast_pdf(request, _client(client_id))


def _own_company(request: HttpRequest) -> Client:
    """A contact's own company; 404 for anyone else."""
    return get_object_or_404(Client, pk=contact_client_id(request.user) or 0)


@requires(Can.PORTAL)
def portal_forecast(request: HttpRequest) -> HttpResponse:
    return render(request, "reviews/portal_forecast.html", _forecast_context(_own_company(request)))


@requires(Can.PORTAL)
def portal_forecast_pdf(request: HttpRequest) -> HttpResponse:
    return _forecast_pdf(request, _own_company(request))


# --- the monthly summary ------------------------------------------------------------------------------------------

def _month(request: HttpRequest):
    """The month asked for (?month=YYYY-MM), else the last complete one; a bad value says so and uses that."""
    default = summary.summary_month(timezone.localdate())
    text = request.GET.get("month", "")
    if not text:
        return default
    try:
        return parse_month(text)
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
        return default


@requires(Can.DESK_READ)
def summary_page(request: HttpRequest, client_id: int) -> HttpResponse:
    company = _client(client_id)
    month = _month(request)
    return render(request, "reviews/summary.html", {
        **summary.monthly_summary(company, month), "opted_in": summary.opted_in(company),
        "recipients": summary.primary_addresses(company), "editing": can(request.user, Can.VCIO),
        "sent": MonthlySummary.objects.filter(client=company).select_related("sent_by")[:12]})


@requires(Can.DESK_READ)
def summary_pdf(request: HttpRequest, client_id: int) -> HttpResponse:
    company = _client(client_id)
    month = _month(request)
    response = HttpResponse(summary.summary_pdf(summary.monthly_summary(company, month)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="it-summary-{company.pk}-{month:%Y-%m}.pdf"'
    return response


@require_POST
@requires(Can.VCIO)
def summary_action(request: HttpRequest, client_id: int) -> HttpResponse:
    """Opt the client in or out, or send last month's summary now."""
    company = _client(client_id)
    action = request.POST.get("action", "")
    try:
        if action in ("opt-in", "opt-out"):
            summary.set_monthly_summary(company, enabled=action == "opt-in", by=request.user)
            messages.success(request, f"{company.name} {'gets' if action == 'opt-in' else 'no longer gets'} the "
                                      "monthly summary.")
        elif action == "send":
            month = summary.summary_month(timezone.localdate())
            sent = summary.send_monthly_summary(company, month=month, by=request.user)
            messages.success(request, f"The summary of {month:%B %Y} is on its way to {sent.recipients}.")
        else:
            messages.error(request, "Nothing done: unknown action.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("reviews:summary", client_id=company.pk)
