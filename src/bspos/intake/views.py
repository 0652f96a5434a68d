"""Intake pages: received alerts and the unassigned queue, alert sources, webhook subscriptions and deliveries."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bspos.assets.models import Asset
from bspos.clients.models import Client
from bspos.core.filters import RowFilter
from bspos.core.paging import CappedPaginator
from bspos.core.permissions import Can, can, requires
from bspos.intake import selectors, services, webhooks
from bspos.intake.filters import AlertFilter, DeliveryFilter, SourceFilter
from bspos.intake.models import Alert, AlertSource, Delivery, Event, Subscription
from bspos.sla.models import Priority

RowField = RowFilter.field_class  # a row picked by id: junk or an id out of range is "not one of the choices"


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class AssignForm(forms.Form):
    client = RowField(queryset=Client.objects.all(), error_messages={
        "required": "Choose the client the alert belongs to.",
        "invalid_choice": "Choose the client the alert belongs to."})
    asset = RowField(queryset=Asset.objects.all(), required=False)


class SourceForm(forms.Form):
    name = forms.CharField(max_length=100)
    kind = forms.ChoiceField(choices=AlertSource.Kind.choices, initial=AlertSource.Kind.GENERIC)
    severity_map = forms.CharField(required=False, max_length=2000)
    default_priority = forms.TypedChoiceField(choices=Priority.choices, coerce=int, initial=Priority.MEDIUM,
                                              error_messages={"invalid_choice": "Priority must be 1 to 4."})
    resolve_on_resolved = forms.BooleanField(required=False)
    refire = forms.ChoiceField(choices=AlertSource.Refire.choices, initial=AlertSource.Refire.REOPEN)
    rate_per_minute = forms.IntegerField(label="Requests a minute", required=False, min_value=1, max_value=1_000_000)


def _form_errors(form: forms.Form) -> str:
    return " ".join(f"{form.fields[name].label or name.replace('_', ' ').capitalize()}: {' '.join(errors)}"
                    if name in form.fields else " ".join(errors) for name, errors in form.errors.items())


@requires(Can.DESK_READ)
def alert_list(request: HttpRequest) -> HttpResponse:
    rows = (Alert.objects.visible_to(request.user).select_related("source", "client", "asset", "ticket")
            .order_by("-last_seen", "-id"))
    filterset = AlertFilter(request.GET, rows, request=request)
    page = CappedPaginator(filterset.qs, 50).get_page(request.GET.get("page"))
    unassigned_on_page = any(alert.client_id is None for alert in page)
    return render(request, "intake/alerts.html", {
        "page": page, "filter": filterset, "filtered": bool(filterset.params()),
        "unassigned_queue": filterset.unassigned_queue, "counts": selectors.alert_counts(request.user),
        "can_assign": can(request.user, Can.DESK_WRITE),
        "clients": Client.objects.only("pk", "name").order_by("name") if unassigned_on_page else []})


@requires(Can.DESK_WRITE)
@require_POST
def alert_assign(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(Alert.objects.visible_to(request.user), pk=pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("intake:alerts")
    client = form.cleaned_data["client"]
    try:
        alert = services.assign_alert(alert, client=client, asset=form.cleaned_data["asset"], by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("intake:alerts")
    if alert.ticket_id:
        messages.success(request, f"Alert assigned to {client.name}: ticket #{alert.ticket.number} opened.")
        return redirect("servicedesk:ticket", alert.ticket.number)
    messages.success(request, f"Alert assigned to {client.name}.")
    return redirect("intake:alerts")


@requires(Can.DESK_READ)
def source_list(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/sources.html", _sources_context(request))


def _sources_context(request: HttpRequest, **extra) -> dict:
    filterset = SourceFilter(request.GET, AlertSource.objects.order_by("name"), request=request)
    return {"sources": filterset.qs, "filter": filterset, "filtered": bool(filterset.params()),
            "can_edit": can(request.user, Can.CLIENTS_WRITE), "kinds": AlertSource.Kind.choices,
            "refires": AlertSource.Refire.choices, "priorities": Priority.choices,
            "default_rate": settings.BSPOS_INTAKE_RATE_PER_MINUTE, **extra}


@requires(Can.CLIENTS_WRITE)
@require_POST
def source_new(request: HttpRequest) -> HttpResponse:
    form = SourceForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        data = form.cleaned_data
        severity_map = services.parse_severity_map(data["severity_map"])
        source, token = services.create_source(
            name=data["name"], kind=data["kind"], severity_map=severity_map or None,
            default_priority=data["default_priority"], resolve_on_resolved=data["resolve_on_resolved"],
            refire=data["refire"], rate_per_minute=data["rate_per_minute"], by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return render(request, "intake/sources.html", _sources_context(request, posted=request.POST), status=422)
    return render(request, "intake/sources.html", _sources_context(request, new_token=token, new_source=source))


@requires(Can.CLIENTS_WRITE)
@require_POST
def source_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    source = get_object_or_404(AlertSource, pk=pk)
    if action == "rotate":
        token = services.rotate_token(source, by=request.user)
        messages.success(request, f"New token for {source.name}; the old one no longer works.")
        return render(request, "intake/sources.html", _sources_context(request, new_token=token, new_source=source))
    if action in ("disable", "enable"):
        services.update_source(source, is_active=action == "enable", by=request.user)
        messages.success(request, f"{source.name} is {'enabled' if action == 'enable' else 'disabled'}.")
    return redirect("intake:sources")


@requires(Can.DESK_READ)
def webhook_list(request: HttpRequest) -> HttpResponse:
    rows = Delivery.objects.select_related("subscription").defer("body").order_by("-created_at", "-id")
    filterset = DeliveryFilter(request.GET, rows, request=request)
    return render(request, "intake/webhooks.html", {
        "page": CappedPaginator(filterset.qs, 50).get_page(request.GET.get("page")), "filter": filterset,
        "filtered": bool(filterset.params()), "subscriptions": Subscription.objects.all(), "events": Event.choices,
        "counts": selectors.delivery_counts(), "can_edit": can(request.user, Can.CLIENTS_WRITE)})


@requires(Can.CLIENTS_WRITE)
@require_POST
def subscription_new(request: HttpRequest) -> HttpResponse:
    try:
        subscription = webhooks.create_subscription(name=request.POST.get("name", ""),
                                                    url=request.POST.get("url", "").strip(),
                                                    events=request.POST.getlist("events"))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"Subscription “{subscription.name}” created; its secret is shown in its row.")
    return redirect("intake:webhooks")


@requires(Can.CLIENTS_WRITE)
@require_POST
def subscription_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    subscription = get_object_or_404(Subscription, pk=pk)
    if action in ("disable", "enable"):
        webhooks.update_subscription(subscription, is_active=action == "enable")
        messages.success(request, f"{subscription.name} is {'enabled' if action == 'enable' else 'disabled'}.")
    elif action == "delete":
        webhooks.delete_subscription(subscription=subscription)
        messages.success(request, f"Subscription “{subscription.name}” and its delivery log deleted.")
    return redirect("intake:webhooks")


@requires(Can.DESK_READ)
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery.objects.select_related("subscription"), pk=pk)
    return render(request, "intake/delivery.html", {"delivery": delivery,
                                                    "can_edit": can(request.user, Can.CLIENTS_WRITE)})


@requires(Can.CLIENTS_WRITE)
@require_POST
def delivery_resend(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=pk)
    try:
        webhooks.redeliver(delivery)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "Queued again; the worker sends it with the same delivery id.")
    return redirect("intake:delivery", pk=pk)
