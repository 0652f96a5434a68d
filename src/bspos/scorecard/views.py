"""The owner's pages: scorecard and health, the sales funnel, the BSP Readiness Assessment."""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bspos.core.dates import last_month, months_ending
from bspos.core.permissions import Can, requires
from bspos.money import reports
from bspos.proposals import selectors as proposal_selectors
from bspos.scorecard import services
from bspos.scorecard.filters import OpportunityFilter, WindowForm
from bspos.scorecard.forms import OpportunityForm
from bspos.scorecard.models import Opportunity, ReadinessRun
from bspos.scorecard.questions import ANSWERS, PHASES

WINDOWS = (3, 6, 12)
PROPOSALS_SHOWN = 20  # the funnel lists the latest proposals sent; the proposals page has them all
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
    size = WindowForm(request.GET).size()
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
            opportunity = services.add_lead(form.save(commit=False), by=request.user)
            messages.success(request, f"{opportunity.name} added at Awareness.")
            return redirect("scorecard:funnel")
        messages.error(request, "The lead was not added; see the messages by the fields.")
    filters = OpportunityFilter(request.GET, Opportunity.objects.select_related("client").order_by(
        "-awareness_on", "name"), request=request)
    page = Paginator(filters.qs, 50).get_page(request.GET.get("page"))
    return render(request, "scorecard/funnel.html", {
        "funnel": services.funnel(first, today), "page": page, "form": form, "filter": filters,
        "first": first, "today": today, "proposal_figures": proposal_selectors.sales_figures(first, today),
        "proposals": proposal_selectors.sent_between(first, today).select_related("lead")[:PROPOSALS_SHOWN]})


@requires(Can.BUSINESS)
@require_POST
def opportunity_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    opportunity = get_object_or_404(Opportunity, pk=pk)
    try:
        if action == "advance":
            label = services.advance(opportunity, by=request.user)
            messages.success(request, f"{opportunity.name} moved to {label}."
                             + (" It is now a client." if label == "Excitement" else ""))
        elif action == "lose":
            services.lose(opportunity, by=request.user)
            messages.success(request, f"{opportunity.name} marked lost.")
        else:
            messages.error(request, "Unknown action.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("scorecard:funnel")


@requires(Can.BUSINESS)
def readiness(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = services.readiness_context(today)
    suggestions = services.readiness_suggestions(context)
    last = ReadinessRun.objects.first()
    if request.method == "POST":
        answers = {q.code: int(request.POST[q.code]) for _, _, questions in PHASES for q in questions
                   if request.POST.get(q.code) in {"0", "1", "2", "3", "4"}}
        try:
            run = services.save_readiness(answers=answers, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
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
