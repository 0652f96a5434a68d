"""The owner's pages: scorecard and health, the sales funnel, the BSP Readiness Assessment."""

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bspos.clients import services as client_services
from bspos.clients.models import Client, ClientStatus
from bspos.core.dates import last_month, months_ending
from bspos.core.permissions import Can, requires
from bspos.money import reports
from bspos.scorecard import services
from bspos.scorecard.forms import OpportunityForm
from bspos.scorecard.models import STEP_FIELDS, STEPS, Opportunity, ReadinessRun
from bspos.scorecard.questions import ANSWERS, PHASES

WINDOWS = (3, 6, 12)
TREND_LABELS = {"revenue_per_client": "Revenue per client per month ($)", "gross_margin": "Gross margin (%)",
                "tenure": "Client tenure (years)", "sales_cycle": "Sales cycle of clients won (weeks)",
                "founder_hours": "Founder hours per week", "utilisation": "Technician utilisation (%)",
                "escalation_rate": "Escalation rate (%)", "scope_creep": "Out-of-scope share of ticket time (%)",
                "logo_churn": "Logo churn (% of clients)", "revenue_churn": "Revenue churn (% of revenue)"}


def sparkline(values: list, width: int = 240, height: int = 48) -> dict:
    known = [float(v) for v in values if v is not None]
    if not known:
        return {"points": "", "width": width, "height": height}
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = width / max(len(values) - 1, 1)
    points = " ".join(f"{i * step:.1f},{height - 4 - (float(v) - low) / span * (height - 8):.1f}"
                      for i, v in enumerate(values) if v is not None)
    return {"points": points, "width": width, "height": height, "low": low, "high": high}


@requires(Can.BUSINESS)
def owner(request: HttpRequest) -> HttpResponse:
    try:
        size = int(request.GET.get("months", 12))
    except ValueError:
        size = 12
    size = size if size in WINDOWS else 12
    months = months_ending(last_month(), size)
    view = services.owner_view(months, timezone.localdate())
    trend_months = months_ending(last_month(), 12)
    series = view["series"] if size == 12 else services.monthly_series(trend_months)
    margin_series = (view["margin"].series if size == 12 else reports.margin_report(trend_months).series)
    series = {**series, "gross_margin": {m.month: m.margin_pct for m in margin_series}}
    trends = [{"label": TREND_LABELS[key], "values": [series[key].get(m) for m in trend_months],
               "spark": sparkline([series[key].get(m) for m in trend_months])} for key in TREND_LABELS]
    return render(request, "scorecard/owner.html", {**view, "size": size, "windows": WINDOWS, "trends": trends,
                                                    "trend_months": trend_months})


@requires(Can.BUSINESS)
def funnel(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    first = today.replace(year=today.year - 1)
    form = OpportunityForm(request.POST or None, initial={"awareness_on": today})
    if request.method == "POST":
        if form.is_valid():
            opportunity = form.save(commit=False)
            opportunity.owner = request.user
            opportunity.save()
            messages.success(request, f"{opportunity.name} added at Awareness.")
            return redirect("scorecard:funnel")
        messages.error(request, "The lead was not added; see the messages by the fields.")
    leads = Opportunity.objects.select_related("client").order_by("-awareness_on", "name")
    q = request.GET.get("q", "").strip()
    if q:
        leads = leads.filter(name__icontains=q)
    state = request.GET.get("state", "open")
    if state == "open":
        leads = leads.filter(excitement_on__isnull=True, lost_on__isnull=True)
    elif state == "won":
        leads = leads.filter(excitement_on__isnull=False)
    elif state == "lost":
        leads = leads.filter(lost_on__isnull=False)
    page = Paginator(leads, 50).get_page(request.GET.get("page"))
    return render(request, "scorecard/funnel.html", {
        "funnel": services.funnel(first, today), "page": page, "form": form, "q": q, "state": state,
        "first": first, "today": today})


@requires(Can.BUSINESS)
@require_POST
def opportunity_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    opportunity = get_object_or_404(Opportunity, pk=pk)
    today = timezone.localdate()
    if opportunity.lost_on:
        messages.error(request, f"{opportunity.name} is lost; add it again as a new lead if it comes back.")
    elif action == "advance":
        pending = [name for name in STEP_FIELDS if not getattr(opportunity, name)]
        if not pending:
            messages.error(request, f"{opportunity.name} has reached Ascension already.")
        else:
            with transaction.atomic():
                setattr(opportunity, pending[0], today)
                if pending[0] == "excitement_on" and opportunity.client_id is None:
                    opportunity.client = _client_for(opportunity, today, request.user)
                opportunity.save()
            label = STEPS[STEP_FIELDS.index(pending[0])][1]
            messages.success(request, f"{opportunity.name} moved to {label}."
                             + (" It is now a client." if pending[0] == "excitement_on" else ""))
    elif action == "lose":
        if opportunity.excitement_on:
            messages.error(request, "A won opportunity cannot be lost; churn the client instead.")
        else:
            opportunity.lost_on = today
            opportunity.save(update_fields=["lost_on"])
            messages.success(request, f"{opportunity.name} marked lost.")
    else:
        messages.error(request, "Unknown action.")
    return redirect("scorecard:funnel")


def _client_for(opportunity: Opportunity, today: date, by) -> Client:
    """A won lead becomes a client: the one of the same name (a prospect becomes active), or a new one."""
    client = Client.objects.filter(name__iexact=opportunity.name).first()
    if client is None:
        return client_services.create_client(by=by, name=opportunity.name, status=ClientStatus.ACTIVE,
                                             client_since=today, prospect_since=opportunity.awareness_on)
    if client.status == ClientStatus.PROSPECT:
        client_services.change_client_status(by=by, client=client, status=ClientStatus.ACTIVE, on=today)
    return client


@requires(Can.BUSINESS)
def readiness(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = services.readiness_context(today)
    suggestions = services.readiness_suggestions(context)
    last = ReadinessRun.objects.first()
    if request.method == "POST":
        answers, missing = {}, []
        for _, _, questions in PHASES:
            for question in questions:
                value = request.POST.get(question.code, "")
                if value not in {"0", "1", "2", "3", "4"}:
                    missing.append(question.code)
                else:
                    answers[question.code] = int(value)
        if missing:
            messages.error(request, f"Answer every statement: {len(missing)} left open. Nothing was saved.")
        else:
            run = ReadinessRun.objects.create(by=request.user, answers=answers,
                                              scores=services.score_answers(answers))
            messages.success(request, "Assessment saved.")
            return redirect("scorecard:readiness-run", pk=run.pk)
        previous = {code: int(v) for code, v in request.POST.items() if v in {"0", "1", "2", "3", "4"}}
    else:
        previous = dict(last.answers) if last else {}
    phases = [{"letter": letter, "name": name, "questions": [
        {"q": q, "value": previous.get(q.code, suggestions.get(q.code, (None, ""))[0]),
         "suggestion": suggestions.get(q.code)} for q in questions]} for letter, name, questions in PHASES]
    return render(request, "scorecard/readiness.html", {
        "phases": phases, "answers": ANSWERS, "runs": ReadinessRun.objects.select_related("by")[:10]})


@requires(Can.BUSINESS)
def readiness_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ReadinessRun, pk=pk)
    scores = [{"letter": letter, "name": name, "score": run.scores.get(letter, 0)} for letter, name, _ in PHASES]
    return render(request, "scorecard/readiness_run.html", {
        "run": run, "scores": scores, "verdict": services.verdict(run.scores),
        "priorities": services.priorities(run.answers), "runs": ReadinessRun.objects.select_related("by")[:10]})
