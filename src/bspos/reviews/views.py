"""SBR pages: the cadence (due, overdue, scheduled, held, missed; completion per quarter), one review on the
seed's 60-minute agenda with its data pack, the PDF report and calendar invite, and the client's published reports."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from bspos.clients.models import Client
from bspos.core.permissions import Can, can, requires
from bspos.money.models import BillingSettings
from bspos.reviews import selectors, services
from bspos.reviews.filters import SHOWS, ReviewFilter
from bspos.reviews.forms import AgendaForm, HoldForm, NextStepForm, RecommendationForm, ScheduleForm
from bspos.reviews.models import AGENDA, NextStep, Recommendation, Review
from bspos.reviews.plan_views import forecast_chart
from bspos.reviews.selectors import COMPLETION_LINE


def completion_chart(rows: list[dict], width: int = 360, height: int = 140) -> dict:
    """Bars of the on-time rate per quarter and the 80% line, as SVG geometry."""
    slot, top, bottom = width / max(len(rows), 1), 12, height - 22

    def y(percent: float) -> float:
        return round(bottom - (bottom - top) * percent / 100, 1)

    bars = [{"x": round(index * slot + slot * 0.2, 1), "width": round(slot * 0.6, 1), "y": y(float(row["rate"] or 0)),
             "height": round(bottom - y(float(row["rate"] or 0)), 1), "label": row["label"],
             "lx": round(index * slot + slot / 2, 1), "rate": row["rate"], "good": row["meets_line"]}
            for index, row in enumerate(rows)]
    return {"width": width, "height": height, "bars": bars, "line": y(COMPLETION_LINE), "bottom": bottom,
            "label_y": height - 6}


def bar_pairs(rows: list[dict], width: int = 420) -> dict:
    """Horizontal bars, this period against the previous one, for tickets by type."""
    most = max([max(row["count"], row["previous"]) for row in rows] or [1]) or 1
    lines = []
    for index, row in enumerate(rows):
        lines.append({"y": index * 30, "label": row["label"], "count": row["count"], "previous": row["previous"],
                      "now": round((width - 190) * row["count"] / most, 1),
                      "before": round((width - 190) * row["previous"] / most, 1)})
    return {"width": width, "height": max(len(rows) * 30, 30), "rows": lines}


def _pack_forecast_chart(pack: dict) -> dict | None:
    """The forecast's chart from the pack (packs frozen before the forecast existed have none)."""
    return forecast_chart(pack["forecast"]["quarters"]) if pack.get("forecast") else None


def _seller() -> BillingSettings:
    """The MSP's billing details for the page and PDF; the defaults until they are saved (a read never writes)."""
    return BillingSettings.objects.filter(pk=1).first() or BillingSettings()


@requires(Can.DESK_READ)
def cadence(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filters = ReviewFilter(request.GET, selectors.reviews_for(request.user), request=request)
    reviews = filters.qs
    counts = selectors.cadence_counts(reviews, today)
    completion = selectors.completion_by_quarter(reviews, today)
    show = filters.show_value or ("overdue" if counts["overdue"] else "due")
    page = Paginator(selectors.cadence_list(reviews, show, today), 50).get_page(request.GET.get("page"))
    return render(request, "reviews/cadence.html", {
        "page": page, "show": show, "shows": [(key, label, counts.get(key)) for key, label in SHOWS],
        "filter": filters, "today": today, "completion": completion,
        "chart": completion_chart(completion), "line": COMPLETION_LINE})


def _review(request: HttpRequest, pk: int) -> Review:
    return get_object_or_404(selectors.reviews_for(request.user), pk=pk)


def _page(request: HttpRequest, review: Review, status: int = 200, **forms) -> HttpResponse:
    today = timezone.localdate()
    pack = selectors.pack_of(review, today)
    local = timezone.localtime(review.scheduled_at) if review.scheduled_at else None
    context = {
        "review": review, "pack": pack, "agenda": AGENDA, "can_edit": can(request.user, Can.VCIO),
        "objectives": services.previous_objectives(review), "type_chart": bar_pairs(pack["tickets"]["by_type"]),
        "forecast_chart": _pack_forecast_chart(pack),
        "recommendations": review.recommendations.select_related("roadmap_item"),
        "steps": review.next_steps.all(), "decisions": Recommendation.Decision.choices,
        "schedule_form": forms.get("schedule_form") or ScheduleForm(initial={
            "scheduled_at": local.strftime("%Y-%m-%dT%H:%M") if local else "", "location": review.location,
            "vcio": review.vcio_id}),
        "hold_form": forms.get("hold_form") or HoldForm(initial={"held_on": min(today, review.meeting_day(today))}),
        "agenda_form": forms.get("agenda_form") or AgendaForm(instance=review),
        "recommendation_form": forms.get("recommendation_form") or RecommendationForm(
            initial={"quarter": review.client.fiscal_quarter(today).next().first}),
        "step_form": forms.get("step_form") or NextStepForm(),
        "currency": _seller().currency, "today": today,
        "history": Review.objects.filter(client=review.client).exclude(pk=review.pk).order_by("-due_on")[:8],
    }
    return render(request, "reviews/review.html", context, status=status)


@requires(Can.DESK_READ)
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _review(request, pk))


@requires(Can.DESK_READ)
def client_reviews(request: HttpRequest, client_id: int) -> HttpResponse:
    """A client's reviews: the open one if any, else the latest."""
    company = get_object_or_404(Client, pk=client_id)
    review = company.reviews.filter(status=Review.Status.PLANNED).first() or company.reviews.order_by("-due_on").first()
    if review is None:
        messages.info(request, f"{company.name} has no review yet: one is planned when the client becomes active.")
        return redirect("reviews:cadence")
    return redirect("reviews:review", pk=review.pk)


ACTIONS = {"schedule", "hold", "missed", "publish", "unpublish", "agenda", "suggest", "recommend", "step"}


@require_POST
@requires(Can.VCIO)
def review_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    review = _review(request, pk)
    if action not in ACTIONS:
        raise Http404("No such action.")
    forms, user = {}, request.user
    try:
        if action == "schedule":
            form = forms["schedule_form"] = ScheduleForm(request.POST)
            if form.is_valid():
                services.schedule(review, at=form.cleaned_data["scheduled_at"],
                                  location=form.cleaned_data["location"], vcio=form.cleaned_data["vcio"], by=user)
                messages.success(request, "Meeting scheduled. Download the invite and send it to the client.")
        elif action == "hold":
            form = forms["hold_form"] = HoldForm(request.POST)
            if form.is_valid():
                services.hold(review, held_on=form.cleaned_data["held_on"], by=user)
                messages.success(request, "Review recorded as held; its data pack is frozen and the next review "
                                          "is due in 90 days.")
        elif action == "missed":
            services.mark_missed(review, by=user)
            messages.success(request, "Review recorded as missed; the next one is planned.")
        elif action in ("publish", "unpublish"):
            services.publish(review, published=action == "publish", by=user)
            messages.success(request, "Published to the client's portal." if action == "publish"
                             else "Withdrawn from the client's portal.")
        elif action == "agenda":
            form = forms["agenda_form"] = AgendaForm(request.POST, instance=review)
            if form.is_valid():
                services.update_agenda(review, by=user, **form.cleaned_data)
                messages.success(request, "Notes saved.")
        elif action == "suggest":
            added = services.add_suggestions(review, by=user)
            messages.success(request, f"{added} recommendation(s) suggested from the data; edit them before the "
                                      "meeting." if added else "No new suggestions: the data argues for nothing "
                                                               "that is not on the list already.")
        elif action == "recommend":
            form = forms["recommendation_form"] = RecommendationForm(request.POST,
                                                                     instance=Recommendation(review=review))
            if form.is_valid():
                services.save_recommendation(form.instance, by=user)
                messages.success(request, "Recommendation added.")
        elif action == "step":
            form = forms["step_form"] = NextStepForm(request.POST)
            if form.is_valid():
                services.add_next_step(review, by=user, **form.cleaned_data)
                messages.success(request, "Next step added.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reviews:review", pk=review.pk)
    if any(form.errors for form in forms.values()):
        return _page(request, _review(request, pk), status=400, **forms)
    return redirect("reviews:review", pk=review.pk)


@requires(Can.VCIO)
def recommendation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_object_or_404(
        Recommendation.objects.visible_to(request.user).select_related("review__client"), pk=pk)
    form = RecommendationForm(request.POST or None, instance=recommendation)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_recommendation(form.instance, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Recommendation saved.")
            return redirect("reviews:review", pk=recommendation.review_id)
    return render(request, "reviews/recommendation.html", {"form": form, "recommendation": recommendation},
                  status=400 if form.errors else 200)


@require_POST
@requires(Can.VCIO)
def recommendation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_object_or_404(Recommendation.objects.visible_to(request.user), pk=pk)
    try:
        services.decide(recommendation, request.POST.get("decision", ""), by=request.user)
    except ValidationError as error:
        messages.error(request, f"“{recommendation.title}”: " + " ".join(error.messages))
    else:
        messages.success(request, f"Decision recorded for “{recommendation.title}”.")
    return redirect("reviews:review", pk=recommendation.review_id)


@require_POST
@requires(Can.VCIO)
def recommendation_project(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the accepted recommendation a project (or open the one it already is)."""
    recommendation = get_object_or_404(
        Recommendation.objects.visible_to(request.user).select_related("review__client", "roadmap_item"), pk=pk)
    try:
        project, created = services.project_for_recommendation(recommendation=recommendation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reviews:review", pk=recommendation.review_id)
    messages.success(request, f"{project.reference} {'made' if created else 'was already made'} from "
                              f"“{recommendation.title}”.")
    return redirect("projects:detail", pk=project.pk)


@require_POST
@requires(Can.VCIO)
def recommendation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_object_or_404(Recommendation.objects.visible_to(request.user), pk=pk)
    try:
        services.remove_recommendation(recommendation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Removed “{recommendation.title}”.")
    return redirect("reviews:review", pk=recommendation.review_id)


@require_POST
@requires(Can.VCIO)
def step_done(request: HttpRequest, pk: int) -> HttpResponse:
    step = get_object_or_404(NextStep.objects.visible_to(request.user), pk=pk)
    services.set_step_done(step, request.POST.get("done") == "1", by=request.user)
    back = request.POST.get("review", "")
    return redirect("reviews:review", pk=int(back) if back.isdigit() and len(back) < 19 else step.review_id)


def _report_context(review: Review) -> dict:
    pack = selectors.pack_of(review)
    return {"review": review, "pack": pack, "agenda": AGENDA, "objectives": services.previous_objectives(review),
            "recommendations": review.recommendations.exclude(decision=Recommendation.Decision.DECLINED),
            "steps": review.next_steps.all(), "type_chart": bar_pairs(pack["tickets"]["by_type"]),
            "forecast_chart": _pack_forecast_chart(pack), "company": _seller(), "today": timezone.localdate()}


def _pdf(request: HttpRequest, review: Review) -> HttpResponse:
    from weasyprint import HTML  # loads Pango only when a PDF is asked for

    html = render_to_string("reviews/report_pdf.html", _report_context(review), request=request)
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sbr-{review.client_id}-{review.due_on:%Y-%m-%d}.pdf"'
    return response


@requires(Can.DESK_READ)
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, _review(request, pk))


@requires(Can.DESK_READ)
def invite_ics(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    try:
        body = services.invite(review)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reviews:review", pk=review.pk)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sbr-{review.client_id}.ics"'
    return response


# --- the client's portal -------------------------------------------------------------------------------------------


def _published(request: HttpRequest):
    """A contact's company's published reports (`Review.objects.visible_to`); nothing for anybody else."""
    return Review.objects.visible_to(request.user)


@requires(Can.PORTAL)
def portal_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(_published(request).order_by("-held_on"), 25).get_page(request.GET.get("page"))
    return render(request, "reviews/portal_list.html", {"page": page})


@requires(Can.PORTAL)
def portal_report(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(_published(request).select_related("client", "vcio"), pk=pk)
    return render(request, "reviews/portal_report.html", _report_context(review))


@requires(Can.PORTAL)
def portal_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, get_object_or_404(_published(request).select_related("client", "vcio"), pk=pk))
