"""Intake pages: received alerts and the unassigned queue, alert sources, webhook subscriptions and deliveries."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bspos.assets.models import Asset
from bspos.clients.models import Client
from bspos.core.permissions import Can, can, requires
from bspos.intake import selectors, services, webhooks
from bspos.intake.models import Alert, AlertSource, Delivery, Event, Subscription
from bspos.sla.models import Priority


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@requires(Can.DESK_READ)
def alert_list(request: HttpRequest) -> HttpResponse:
    filters = {name: request.GET.get(name, "").strip() for name in ("queue", "state", "source", "q")}
    rows = selectors.alerts(queue=filters["queue"], state=filters["state"], source_id=filters["source"],
                            q=filters["q"])
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    unassigned_on_page = any(alert.client_id is None for alert in page)
    return render(request, "intake/alerts.html", {
        "page": page, "filters": filters, "counts": selectors.alert_counts(), "states": Alert.State.choices,
        "sources": AlertSource.objects.only("pk", "name"), "can_assign": can(request.user, Can.DESK_WRITE),
        "clients": Client.objects.only("pk", "name").order_by("name") if unassigned_on_page else []})


@requires(Can.DESK_WRITE)
@require_POST
def alert_assign(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=pk)
    client = Client.objects.filter(pk=request.POST.get("client") or 0).first()
    if client is None:
        messages.error(request, "Choose the client the alert belongs to.")
        return redirect("intake:alerts")
    asset = Asset.objects.filter(pk=request.POST.get("asset") or 0).first() if request.POST.get("asset") else None
    try:
        alert = services.assign_alert(alert, client=client, asset=asset, by=request.user)
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
    sources = AlertSource.objects.order_by("name")
    return {"sources": sources, "can_edit": can(request.user, Can.CLIENTS_WRITE), "kinds": AlertSource.Kind.choices,
            "refires": AlertSource.Refire.choices, "priorities": Priority.choices, **extra}


@requires(Can.CLIENTS_WRITE)
@require_POST
def source_new(request: HttpRequest) -> HttpResponse:
    try:
        severity_map = services.parse_severity_map(request.POST.get("severity_map", ""))
        source, token = services.create_source(
            name=request.POST.get("name", ""), kind=request.POST.get("kind", AlertSource.Kind.GENERIC),
            severity_map=severity_map or None, default_priority=int(request.POST.get("default_priority") or 3),
            resolve_on_resolved=request.POST.get("resolve_on_resolved") == "on",
            refire=request.POST.get("refire", AlertSource.Refire.REOPEN))
    except (ValidationError, ValueError) as error:
        text = _error_text(error) if isinstance(error, ValidationError) else "Priority must be 1 to 4."
        messages.error(request, text)
        return render(request, "intake/sources.html", _sources_context(request, form=request.POST), status=422)
    return render(request, "intake/sources.html", _sources_context(request, new_token=token, new_source=source))


@requires(Can.CLIENTS_WRITE)
@require_POST
def source_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    source = get_object_or_404(AlertSource, pk=pk)
    if action == "rotate":
        token = services.rotate_token(source)
        messages.success(request, f"New token for {source.name}; the old one no longer works.")
        return render(request, "intake/sources.html", _sources_context(request, new_token=token, new_source=source))
    if action in ("disable", "enable"):
        services.update_source(source, is_active=action == "enable")
        messages.success(request, f"{source.name} is {'enabled' if action == 'enable' else 'disabled'}.")
    return redirect("intake:sources")


@requires(Can.DESK_READ)
def webhook_list(request: HttpRequest) -> HttpResponse:
    filters = {name: request.GET.get(name, "").strip() for name in ("state", "event", "subscription", "q")}
    rows = selectors.deliveries(state=filters["state"], event=filters["event"],
                                subscription_id=filters["subscription"], q=filters["q"])
    return render(request, "intake/webhooks.html", {
        "page": Paginator(rows, 50).get_page(request.GET.get("page")), "filters": filters,
        "subscriptions": Subscription.objects.all(), "events": Event.choices, "states": Delivery.State.choices,
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
        name = subscription.name
        subscription.delete()
        messages.success(request, f"Subscription “{name}” and its delivery log deleted.")
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
