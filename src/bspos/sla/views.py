"""SLA plan pages: the service manager sets targets, escalation rules and waiting-on-client follow-ups."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bspos.core.permissions import Can, can, require, requires
from bspos.sla import services
from bspos.sla.filters import PlanFilter
from bspos.sla.forms import PlanForm, RuleForm
from bspos.sla.models import EscalationRule, SlaPlan


def _refused(form, error: ValidationError) -> None:
    """Put a service's refusal on the form, per field where it names one the form has."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@requires(Can.AGREEMENTS_READ)
def plan_list(request: HttpRequest) -> HttpResponse:
    filterset = PlanFilter(request.GET, SlaPlan.objects.select_related("calendar").annotate(
        rule_count=Count("escalation_rules", distinct=True), agreement_count=Count("agreements", distinct=True))
        .order_by("name"), request=request)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(request, "sla/plans.html", {"page": page, "filter": filterset, "filtered": bool(filterset.params()),
                                              "can_edit": can(request.user, Can.AGREEMENTS_WRITE)})


@requires(Can.AGREEMENTS_WRITE)
def plan_new(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(by=request.user, **form.plan_fields())
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"SLA plan {plan.name} created. Add its escalation rules below.")
            return redirect("sla:plan", plan.pk)
    return render(request, "sla/plan_new.html", {"form": form}, status=400 if form.errors else 200)


def _plan_page(request: HttpRequest, plan: SlaPlan, *, plan_form=None, rule_form=None, status=200) -> HttpResponse:
    editing = can(request.user, Can.AGREEMENTS_WRITE)
    rules = plan.escalation_rules.select_related("notify_user", "reassign_to")
    return render(request, "sla/plan.html", {
        "plan": plan, "rules": rules, "targets": plan.targets.all(), "can_edit": editing,
        "can_delete": can(request.user, Can.DELETE), "agreement_count": plan.agreements.count(),
        "plan_form": plan_form or PlanForm(plan=plan), "rule_form": rule_form or RuleForm()}, status=status)


@requires(Can.AGREEMENTS_READ)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(SlaPlan.objects.select_related("calendar"), pk=pk)
    if request.method != "POST":
        return _plan_page(request, plan)
    require(request.user, Can.AGREEMENTS_WRITE)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            services.update_plan(plan, by=request.user, **form.plan_fields())
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"SLA plan {plan.name} saved.")
            return redirect("sla:plan", plan.pk)
    plan.refresh_from_db()
    return _plan_page(request, plan, plan_form=form, status=400)


@requires(Can.DELETE)
@require_POST
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(SlaPlan, pk=pk)
    try:
        services.delete_plan(plan, by=request.user)
    except ProtectedError:
        messages.error(request, f"Agreements use {plan.name}; give them another plan before deleting it.")
        return redirect("sla:plan", pk)
    messages.success(request, f"SLA plan {plan.name} deleted.")
    return redirect("sla:plans")


@requires(Can.AGREEMENTS_WRITE)
@require_POST
def rule_new(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(SlaPlan.objects.select_related("calendar"), pk=pk)
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            rule = services.create_rule(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Rule added: at {rule.percent}% of the {rule.get_target_display().lower()} "
                                      f"target, {', '.join(rule.actions())}.")
            return redirect("sla:plan", plan.pk)
    return _plan_page(request, plan, rule_form=form, status=400)


@requires(Can.AGREEMENTS_READ)
def rule_edit(request: HttpRequest, pk: int, rule_pk: int) -> HttpResponse:
    rule = get_object_or_404(EscalationRule.objects.select_related("plan"), pk=rule_pk, plan_id=pk)
    if request.method == "POST":
        require(request.user, Can.AGREEMENTS_WRITE)
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                services.update_rule(rule, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _refused(form, error)
            else:
                messages.success(request, "Rule saved.")
                return redirect("sla:plan", pk)
        rule.refresh_from_db()
        status = 400
    else:
        form = RuleForm(initial={"target": rule.target, "percent": rule.percent,
                                 "notify_assignee": rule.notify_assignee, "notify_managers": rule.notify_managers,
                                 "notify_user": rule.notify_user_id, "reassign_to": rule.reassign_to_id,
                                 "raise_priority": rule.raise_priority})
        status = 200
    return render(request, "sla/rule.html", {"rule": rule, "plan": rule.plan, "form": form,
                                             "can_edit": can(request.user, Can.AGREEMENTS_WRITE)}, status=status)


@requires(Can.AGREEMENTS_WRITE)
@require_POST
def rule_delete(request: HttpRequest, pk: int, rule_pk: int) -> HttpResponse:
    rule = get_object_or_404(EscalationRule, pk=rule_pk, plan_id=pk)
    services.delete_rule(rule, by=request.user)
    messages.success(request, "Rule deleted.")
    return redirect("sla:plan", pk)
