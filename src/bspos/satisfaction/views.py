"""The contact's one-click rating page (no login: the link's token is the key) and the MSP's results page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from bspos.core.permissions import Can, requires
from bspos.satisfaction import selectors, services
from bspos.satisfaction.filters import RatingFilter
from bspos.satisfaction.forms import CommentForm
from bspos.satisfaction.models import Score, Survey


def _survey(token: str) -> Survey:
    survey = selectors.survey_for_link(token)
    if survey is None:  # unknown or expired: the same answer, so a guess learns nothing
        raise Http404("Not found.")
    return survey


def _page(request: HttpRequest, survey: Survey, form: CommentForm, token: str, status: int = 200) -> HttpResponse:
    return render(request, "satisfaction/rate.html", {
        "survey": survey, "form": form, "token": token, "changeable": survey.changeable(),
        "choices": Score.choices}, status=status)


@require_http_methods(["GET", "HEAD"])
def rate(request: HttpRequest, token: str, score: str) -> HttpResponse:
    """The link in the email: the rating is recorded at once (GET only, so a link checker's HEAD records nothing)."""
    survey = _survey(token)
    if score not in Score.values:
        raise Http404("Not found.")
    if request.method == "GET" and survey.changeable():
        survey = services.rate(survey, score)
    return _page(request, survey, CommentForm(initial={"comment": survey.comment}), token)


@require_http_methods(["GET", "HEAD", "POST"])
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    """The survey without a new click: shows the answer; POST saves the optional comment."""
    survey = _survey(token)
    if request.method != "POST":
        return _page(request, survey, CommentForm(initial={"comment": survey.comment}), token)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(survey, form.cleaned_data["comment"])
        except ValidationError as error:
            form.add_error("comment", error.messages)
        else:
            messages.success(request, "Thank you, your comment is saved.")
            return redirect("survey", token=token)
    return _page(request, survey, form, token, status=400)


@requires(Can.DESK_READ)
def results(request: HttpRequest) -> HttpResponse:
    """Ratings with filters (period, client, technician): totals, by technician, by client, and the list."""
    filters = RatingFilter(request.GET, Survey.objects.visible_to(request.user))
    surveys = filters.qs
    page = Paginator(surveys.select_related("ticket__client", "technician", "contact").order_by("-sent_at", "-pk"),
                     50).get_page(request.GET.get("page"))
    return render(request, "satisfaction/results.html", {
        "filter": filters, "page": page, "totals": selectors.totals(surveys),
        "technicians": selectors.by_technician(surveys), "clients": selectors.by_client(surveys)})
