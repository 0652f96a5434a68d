"""Leadership pages: the Hats Chart, the weekly meeting run from one page (and its minutes PDF), decisions,
one-on-ones and quarterly reviews, and the one-page 365 plan."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bspos.audit.models import AuditEvent
from bspos.core.dates import week_start
from bspos.core.permissions import Can, requires
from bspos.leadership import selectors, services
from bspos.leadership.filters import ConversationFilter, DecisionFilter
from bspos.leadership.forms import (
    ConversationForm,
    GoalForm,
    HatForm,
    MetricForm,
    RockEditForm,
    RockForm,
    SolveForm,
)
from bspos.leadership.models import (
    Conversation,
    Decision,
    Direction,
    Goal,
    Hat,
    Issue,
    LiveFigure,
    Meeting,
    Metric,
    Plan,
    Rock,
    Todo,
)
from bspos.people.models import STAFF_ROLES, User


def _lead(request: HttpRequest) -> None:
    services.require_lead(request.user)


def _refused(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# --- Hats Chart --------------------------------------------------------------------------------------------------

@requires(Can.DESK_READ)
def hats(request: HttpRequest, hat_form: HatForm | None = None, metric_form: MetricForm | None = None,
         status: int = 200) -> HttpResponse:
    from django.contrib.contenttypes.models import ContentType

    history = AuditEvent.objects.filter(content_type__in=[ContentType.objects.get_for_model(Hat),
                                                          ContentType.objects.get_for_model(Metric)]
                                        ).select_related("actor").order_by("-pk")[:20]
    return render(request, "leadership/hats.html", {
        **selectors.chart(), "editing": services.can_lead(request.user), "history": history,
        "hat_form": hat_form or HatForm(), "metric_form": metric_form or MetricForm(), **_choices()}, status=status)


def _choices() -> dict:
    return {"live_choices": LiveFigure.choices, "direction_choices": Direction.choices}


@require_POST
@requires(Can.DESK_READ)
def hats_defaults(request: HttpRequest) -> HttpResponse:
    _lead(request)
    services.create_default_hats(by=request.user)
    messages.success(request, "The seven core functions are on the chart: give each an owner and a metric.")
    return redirect("leadership:hats")


@require_POST
@requires(Can.DESK_READ)
def hat_save(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _lead(request)
    hat = get_object_or_404(Hat, pk=pk) if pk else None
    form = HatForm(request.POST, instance=Hat.objects.get(pk=hat.pk) if hat else None)
    if form.is_valid():
        try:
            saved = services.save_hat(hat, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved the hat “{saved.name}”.")
            return redirect("leadership:hats")
    return hats(request, hat_form=form, status=400)


@require_POST
@requires(Can.DESK_READ)
def metric_add(request: HttpRequest) -> HttpResponse:
    _lead(request)
    form = MetricForm(request.POST)
    if form.is_valid():
        try:
            services.add_metric(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Metric added.")
            return redirect("leadership:hats")
    return hats(request, metric_form=form, status=400)


@require_POST
@requires(Can.DESK_READ)
def metric_enter(request: HttpRequest, pk: int) -> HttpResponse:
    _lead(request)
    metric = get_object_or_404(Metric, pk=pk)
    try:
        week = date.fromisoformat(request.POST.get("week") or timezone.localdate().isoformat())
        services.enter_metric(metric=metric, week=week, value=Decimal(request.POST.get("value") or ""),
                              by=request.user)
    except (ValidationError, ValueError, InvalidOperation) as error:
        _refused(request, error if isinstance(error, ValidationError) else ValidationError("Enter a number."))
    target = request.POST.get("next") or ""
    return redirect(target if url_has_allowed_host_and_scheme(target, allowed_hosts=None) and target.startswith("/")
                    else "leadership:hats")


@require_POST
@requires(Can.DESK_READ)
def metric_save(request: HttpRequest, pk: int) -> HttpResponse:
    _lead(request)
    metric = get_object_or_404(Metric, pk=pk)
    form = MetricForm(request.POST, instance=Metric.objects.get(pk=metric.pk))
    if form.is_valid():
        try:
            services.update_metric(metric, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved the metric “{metric.name}”.")
            return redirect("leadership:hats")
    return hats(request, metric_form=form, status=400)


@require_POST
@requires(Can.DESK_READ)
def hat_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _lead(request)
    hat = get_object_or_404(Hat, pk=pk)
    services.delete_hat(hat, by=request.user)
    messages.success(request, f"Deleted the hat “{hat.name}” and its metrics.")
    return redirect("leadership:hats")


@require_POST
@requires(Can.DESK_READ)
def metric_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _lead(request)
    metric = get_object_or_404(Metric, pk=pk)
    services.delete_metric(metric, by=request.user)
    messages.success(request, f"Deleted the metric “{metric.name}”.")
    return redirect("leadership:hats")


@requires(Can.DESK_READ)
def scorecard(request: HttpRequest) -> HttpResponse:
    """The weekly scorecard: every hat's metrics by week, the last 13 weeks, on or off target; the owner and the
    leadership team enter a week's numbers in one form (a bad number refuses the form, nothing saved or lost)."""
    today = timezone.localdate()
    card = selectors.weekly_scorecard(today)
    typed, errors, status = {}, [], 200
    week = card["weeks"][-1]
    if request.method == "POST":
        _lead(request)
        try:
            week = week_start(date.fromisoformat(request.POST.get("week", "")))
        except ValueError:
            errors.append("Choose the week the numbers are for.")
        values = {}
        for metric in card["entered"]:
            raw = typed[metric.pk] = request.POST.get(f"value-{metric.pk}", "").strip()
            try:
                values[metric] = Decimal(raw.replace(",", "")) if raw else None
                if values[metric] is not None and not values[metric].is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                errors.append(f"{metric.name}: enter a number.")
        if not errors:
            try:
                services.enter_week_numbers(week=week, values=values, by=request.user)
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                messages.success(request, f"Numbers saved for the week of {week:%-d %B %Y}.")
                return redirect("leadership:scorecard")
        status = 400
    if request.method != "POST":  # this week's numbers so far, to correct or complete
        typed = {row["metric"].pk: row["cells"][-1]["value"] for row in card["rows"] if not row["metric"].live}
    return render(request, "leadership/scorecard.html", {
        **card, "editing": services.can_lead(request.user), "errors": errors, "week": week,
        "entry_rows": [{"metric": m, "typed": typed.get(m.pk)} for m in card["entered"]]}, status=status)


# --- the weekly meeting ------------------------------------------------------------------------------------------

@require_POST
@requires(Can.DESK_READ)
def issue_raise(request: HttpRequest) -> HttpResponse:
    """Any staff member raises an issue for the leadership meeting, any time of the week."""
    try:
        issue = services.raise_issue(title=request.POST.get("title", ""), detail=request.POST.get("detail", ""),
                                     by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"Raised “{issue.title}” for the leadership meeting.")
    target = request.POST.get("next") or ""
    return redirect(target if url_has_allowed_host_and_scheme(target, allowed_hosts=None) and target.startswith("/")
                    else "leadership:meetings")


@requires(Can.DESK_READ)
def meetings(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    listing = Meeting.objects.prefetch_related("attendees").order_by("-scheduled_at")
    return render(request, "leadership/meetings.html", {
        "page": Paginator(listing, 25).get_page(request.GET.get("page")), "editing": services.can_lead(request.user),
        "todos": selectors.todo_completion(today.replace(day=1) if today.day > 1 else today, today),
        "todos_quarter": selectors.todo_completion(selectors.quarter_start_of(*selectors.quarter_of(today)), today),
        "open_issues": Issue.objects.exclude(status=Issue.Status.SOLVED).count()})


@require_POST
@requires(Can.DESK_READ)
def meeting_new(request: HttpRequest) -> HttpResponse:
    _lead(request)
    meeting = services.schedule_meeting(scheduled_at=timezone.now().replace(second=0, microsecond=0),
                                        by=request.user)
    return redirect("leadership:meeting", pk=meeting.pk)


def _meeting_context(request: HttpRequest, meeting: Meeting) -> dict:
    day = timezone.localtime(meeting.scheduled_at).date()
    year, quarter = selectors.quarter_of(day)
    plan = Plan.objects.filter(year=year).first()
    staff = list(User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("first_name", "username"))
    return {
        "meeting": meeting, "editing": services.can_lead(request.user) and not meeting.ended_at,
        "sections": selectors.agenda_times(meeting),
        "hats": selectors.hats_with_metrics(day, meeting.figures),
        "window": selectors.metrics_window(day)[0], "week": week_start(day),
        "rocks": list(plan.rocks.filter(quarter=quarter).select_related("owner")) if plan else [],
        "quarter": quarter, "year": year,
        "issues": list(Issue.objects.exclude(status=Issue.Status.SOLVED).select_related("raised_by")),
        "solved": list(meeting.solved.prefetch_related("decisions", "todos__owner")),
        "decisions": list(meeting.decisions.all()),
        "todos": list(Todo.objects.filter(done_on__isnull=True).select_related("owner")),
        "new_todos": list(meeting.todos.select_related("owner")),
        "staff": staff,
        # the owner choices of every issue's solve form, rendered once rather than once per issue
        "staff_options": format_html_join("", '<option value="{}">{}</option>', ((p.pk, str(p)) for p in staff)),
        "attendees": list(meeting.attendees.all()), "solve_form": SolveForm(),
    }


@requires(Can.DESK_READ)
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "leadership/meeting.html", _meeting_context(request, get_object_or_404(Meeting, pk=pk)))


@require_POST
@requires(Can.DESK_READ)
def meeting_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The meeting page's buttons: start, refresh the figures, headlines, prioritise, discuss, solve, to-do done,
    rock on/off track, conclude."""
    _lead(request)
    meeting = get_object_or_404(Meeting, pk=pk)
    post = request.POST
    try:
        if action == "start":
            attendees = User.objects.filter(pk__in=post.getlist("attendees"), role__in=STAFF_ROLES)
            services.start_meeting(meeting, attendees=list(attendees), by=request.user)
        elif action == "prioritise":
            services.prioritise(get_object_or_404(Issue, pk=post.get("issue")), priority=int(post.get("priority")
                                                                                                  or 0),
                                by=request.user)
        elif action == "refresh":
            services.refresh_figures(meeting, by=request.user)
        elif action == "headlines":
            services.save_headlines(meeting, notes=post.get("notes", ""), by=request.user)
        elif action == "discuss":
            services.discuss(get_object_or_404(Issue, pk=post.get("issue")), by=request.user)
        elif action == "solve":
            issue = get_object_or_404(Issue, pk=post.get("issue"))
            form = SolveForm(post)
            if not form.is_valid():
                raise ValidationError([f"{k}: {' '.join(v)}" for k, v in form.errors.items()])
            todos = [{"title": form.cleaned_data["todo"], "owner": form.cleaned_data["owner"],
                      "due_on": form.cleaned_data["due_on"]}] if form.cleaned_data["todo"] else []
            services.solve_issue(issue, meeting=meeting, decision=form.cleaned_data["decision"], todos=todos,
                                 by=request.user)
        elif action == "done":
            services.complete_todo(get_object_or_404(Todo, pk=post.get("todo")), by=request.user)
        elif action == "conclude":
            services.finish_meeting(meeting, rating=int(post.get("rating") or 0), by=request.user)
        elif action == "rock":
            rock = get_object_or_404(Rock, pk=post.get("rock"))
            services.update_rock(rock, on_track=post.get("on_track") == "1", by=request.user)
        else:
            raise ValidationError("Unknown action.")
    except (ValidationError, ValueError) as error:
        _refused(request, error if isinstance(error, ValidationError) else ValidationError("Enter a number."))
        context = _meeting_context(request, meeting)
        return render(request, "leadership/meeting.html", context, status=400)
    return redirect("leadership:meeting", pk=meeting.pk)


def minutes_pdf_bytes(request: HttpRequest, meeting: Meeting) -> bytes:
    from weasyprint import HTML  # loads Pango only when a PDF is asked for

    html = render_to_string("leadership/minutes_pdf.html", {**_meeting_context(request, meeting), "pdf": True,
                                                             "editing": False}, request=request)
    return HTML(string=html).write_pdf()


@requires(Can.DESK_READ)
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    response = HttpResponse(minutes_pdf_bytes(request, meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="minutes-{meeting.scheduled_at:%Y-%m-%d}.pdf"'
    return response


@require_POST
@requires(Can.DESK_READ)
def minutes_email(request: HttpRequest, pk: int) -> HttpResponse:
    _lead(request)
    meeting = get_object_or_404(Meeting, pk=pk)
    sent = services.email_minutes(meeting, minutes_pdf_bytes(request, meeting))
    messages.success(request, f"Minutes emailed to {sent} attendee{'s' if sent != 1 else ''}." if sent else
                     "No attendee has an email address: nothing was sent.")
    return redirect("leadership:meeting", pk=meeting.pk)


@requires(Can.DESK_READ)
def decisions(request: HttpRequest) -> HttpResponse:
    found = DecisionFilter(request.GET, Decision.objects.select_related("meeting", "issue"))
    return render(request, "leadership/decisions.html", {
        "page": Paginator(found.qs, 50).get_page(request.GET.get("page")), "filter": found,
        "q": found.form.cleaned_data.get("q") if found.is_valid() else ""})


# --- one-on-ones and quarterly reviews ---------------------------------------------------------------------------

@requires(Can.DESK_READ)
def conversations(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    editing = services.can_lead(request.user)
    if request.method == "POST":
        _lead(request)
        for person in selectors.direct_reports():
            services.schedule_conversation(kind=Conversation.Kind.ONE_ON_ONE, person=person, period_start=today,
                                           by=request.user)
            services.schedule_conversation(kind=Conversation.Kind.QUARTERLY, person=person, period_start=today,
                                           by=request.user)
        messages.success(request, "This month's one-on-ones and this quarter's reviews are planned.")
        return redirect("leadership:conversations")
    found = ConversationFilter(request.GET, Conversation.objects.exclude(
        status=Conversation.Status.PLANNED).select_related("person").order_by("-due_on"))
    held = found.qs
    return render(request, "leadership/conversations.html", {
        **selectors.cadence(today), "editing": editing, "filter": found,
        "one_on_ones": selectors.completion_by_quarter(today, Conversation.Kind.ONE_ON_ONE),
        "reviews": selectors.completion_by_quarter(today, Conversation.Kind.QUARTERLY),
        "page": Paginator(held, 50).get_page(request.GET.get("page")), "reports": selectors.direct_reports()})


@requires(Can.DESK_READ)
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Conversation.objects.select_related("person", "manager"), pk=pk)
    editing = services.can_lead(request.user) or request.user.pk == item.person_id
    form = ConversationForm(request.POST or None, instance=Conversation.objects.get(pk=item.pk))
    status = 200
    if request.method == "POST":
        if not editing:
            services.require_lead(request.user)
        if form.is_valid():
            answers = {k: v for k, v in form.cleaned_data.items() if k != "held_on"}
            if request.user.pk == item.person_id and not services.can_lead(request.user):
                answers = {k: v for k, v in answers.items() if k.startswith("person_")}  # one's own side only
            try:
                if form.cleaned_data.get("held_on") and services.can_lead(request.user):
                    services.hold_conversation(item, held_on=form.cleaned_data["held_on"], by=request.user, **answers)
                else:
                    services.prepare_conversation(item, by=request.user, **answers)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Saved.")
                return redirect("leadership:conversation", pk=item.pk)
        status = 400
    today = timezone.localdate()
    year, quarter = selectors.quarter_of(item.period_start)
    rocks = Rock.objects.filter(owner=item.person, plan__year=year, quarter=quarter).select_related("plan")
    return render(request, "leadership/conversation.html", {
        "item": item, "form": form, "editing": editing, "figures": selectors.conversation_figures(item, today),
        "hats": Hat.objects.filter(owner=item.person), "rocks": rocks, "core_values": selectors.core_values()},
        status=status)


# --- the 365 plan ------------------------------------------------------------------------------------------------

def _plan_context(request: HttpRequest, year: int) -> dict:
    plan = Plan.objects.filter(year=year).first()
    today = timezone.localdate()
    figures = selectors.live_figures(selectors.metrics_window(today), today) if plan and any(
        g.live for g in plan.goals.all()) else {}
    goals = [{"goal": g, "value": figures.get(g.live) if g.live else None,
              "on_target": (g.on_target(figures.get(g.live)) if g.live else None)}
             for g in (plan.goals.all() if plan else [])]
    quarters = [{"number": q, **selectors.quarter_close(plan, q)} for q in range(1, 5)] if plan else []
    return {"plan": plan, "year": year, "goals": goals, "quarters": quarters,
            "editing": services.can_lead(request.user), "rock_form": RockForm(), "goal_form": GoalForm(),
            "current": selectors.quarter_of(today), "company_vision": selectors.company_vision(),
            "staff": RockEditForm().fields["owner"].queryset, **_choices()}


@requires(Can.DESK_READ)
def plan(request: HttpRequest, year: int | None = None) -> HttpResponse:
    year = year or timezone.localdate().year
    if request.method == "POST":
        _lead(request)
        target = services.plan_for(year, by=request.user)
        services.save_vision(target, vision=request.POST.get("vision", ""), by=request.user)
        messages.success(request, "Vision saved.")
        return redirect("leadership:plan-year", year=year)
    return render(request, "leadership/plan.html", _plan_context(request, year))


@require_POST
@requires(Can.DESK_READ)
def rock_add(request: HttpRequest, year: int) -> HttpResponse:
    _lead(request)
    form = RockForm(request.POST)
    if form.is_valid():
        try:
            services.add_rock(plan=services.plan_for(year, by=request.user), by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Rock added.")
            return redirect("leadership:plan-year", year=year)
    return render(request, "leadership/plan.html", {**_plan_context(request, year), "rock_form": form}, status=400)


@require_POST
@requires(Can.DESK_READ)
def goal_add(request: HttpRequest, year: int) -> HttpResponse:
    _lead(request)
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            services.add_goal(plan=services.plan_for(year, by=request.user), by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Goal added.")
            return redirect("leadership:plan-year", year=year)
    return render(request, "leadership/plan.html", {**_plan_context(request, year), "goal_form": form}, status=400)


@require_POST
@requires(Can.DESK_READ)
def rock_update(request: HttpRequest, pk: int) -> HttpResponse:
    """A rock's status (done, on track) and, from its edit form, its title and owner."""
    _lead(request)
    rock = get_object_or_404(Rock.objects.select_related("plan"), pk=pk)
    fields = {}
    if "done" in request.POST:
        fields["done"] = {"1": True, "0": False}.get(request.POST["done"])
    if "on_track" in request.POST:
        fields["on_track"] = request.POST["on_track"] == "1"
    if "title" in request.POST:
        form = RockEditForm(request.POST)
        if not form.is_valid():
            _refused(request, ValidationError([f"{k}: {' '.join(v)}" for k, v in form.errors.items()]))
            return render(request, "leadership/plan.html", _plan_context(request, rock.plan.year), status=400)
        fields.update(form.cleaned_data)
    try:
        services.update_rock(rock, by=request.user, **fields)
    except ValidationError as error:
        _refused(request, error)
        return render(request, "leadership/plan.html", _plan_context(request, rock.plan.year), status=400)
    return redirect("leadership:plan-year", year=rock.plan.year)


@require_POST
@requires(Can.DESK_READ)
def rock_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _lead(request)
    rock = get_object_or_404(Rock.objects.select_related("plan"), pk=pk)
    services.delete_rock(rock, by=request.user)
    messages.success(request, f"Deleted the rock “{rock.title}”.")
    return redirect("leadership:plan-year", year=rock.plan.year)


@require_POST
@requires(Can.DESK_READ)
def goal_save(request: HttpRequest, pk: int) -> HttpResponse:
    _lead(request)
    goal = get_object_or_404(Goal.objects.select_related("plan"), pk=pk)
    form = GoalForm(request.POST, instance=Goal.objects.get(pk=goal.pk))
    if form.is_valid():
        try:
            services.update_goal(goal, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Goal saved.")
            return redirect("leadership:plan-year", year=goal.plan.year)
    _refused(request, ValidationError([f"{k}: {' '.join(v)}" for k, v in form.errors.items()]))
    return render(request, "leadership/plan.html", _plan_context(request, goal.plan.year), status=400)


@require_POST
@requires(Can.DESK_READ)
def goal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _lead(request)
    goal = get_object_or_404(Goal.objects.select_related("plan"), pk=pk)
    services.delete_goal(goal, by=request.user)
    messages.success(request, f"Deleted the goal “{goal.text}”.")
    return redirect("leadership:plan-year", year=goal.plan.year)


@require_POST
@requires(Can.DESK_READ)
def quarter_close(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    _lead(request)
    carried = services.close_quarter(plan=get_object_or_404(Plan, year=year), quarter=quarter, by=request.user)
    messages.success(request, f"Q{quarter} closed: {len(carried)} rock(s) carried over.")
    return redirect("leadership:plan-year", year=year)


@requires(Can.DESK_READ)
def plan_pdf(request: HttpRequest, year: int) -> HttpResponse:
    from weasyprint import HTML  # loads Pango only when a PDF is asked for

    html = render_to_string("leadership/plan_pdf.html", _plan_context(request, year), request=request)
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plan-{year}.pdf"'
    return response
