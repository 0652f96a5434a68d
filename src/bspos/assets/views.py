"""Asset list, asset page, the asset CSV export and the pages that add, edit, retire and delete assets, for MSP
staff (adding and changing needs `assets.write`). Every write calls assets.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bspos.assets import selectors, services
from bspos.assets.filters import AssetFilter
from bspos.assets.forms import AssetForm, RetireForm
from bspos.assets.models import OUT_OF_SERVICE, Asset
from bspos.audit.services import history
from bspos.clients.forms import changes, show_refusal
from bspos.clients.models import Client
from bspos.core import csvwriter
from bspos.core.filters import parse_id
from bspos.core.permissions import Can, can, requires


@requires(Can.DESK_READ)
def asset_list(request: HttpRequest) -> HttpResponse:
    filters = AssetFilter(request.GET, Asset.objects.visible_to(request.user))
    assets = filters.qs.select_related("client").order_by("client__name", "name", "pk")
    page = Paginator(assets, 50).get_page(request.GET.get("page"))
    return render(request, "assets/list.html", {"page": page, "filter": filters})


@requires(Can.DESK_READ)
def asset_export(request: HttpRequest) -> StreamingHttpResponse:
    assets = AssetFilter(request.GET, Asset.objects.visible_to(request.user)).qs
    return csvwriter.stream("assets", selectors.ASSET_COLUMNS, selectors.asset_rows(assets))


def _asset(request: HttpRequest, pk: int) -> Asset:
    return get_object_or_404(Asset.objects.visible_to(request.user).select_related("client", "site"), pk=pk)


def _page(request: HttpRequest, asset: Asset, retire_form: RetireForm | None = None, status: int = 200):
    tickets = asset.tickets.select_related("assignee").order_by("-number")[:50]
    return render(request, "assets/detail.html", {
        "asset": asset, "tickets": tickets, "has_tickets": asset.tickets.exists(),
        "can_write": can(request.user, Can.ASSETS_WRITE), "in_service": asset.lifecycle not in OUT_OF_SERVICE,
        "retire_form": retire_form or RetireForm(), "history": history(asset)[:20],
    }, status=status)


@requires(Can.DESK_READ)
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _asset(request, pk))


def _form_page(request: HttpRequest, form: AssetForm, **context) -> HttpResponse:
    """A refused form answers 400 with its errors (htmx swaps it in, so the person sees them)."""
    return render(request, "assets/form.html", {"form": form, **context}, status=400 if form.errors else 200)


@requires(Can.ASSETS_WRITE)
def asset_new(request: HttpRequest) -> HttpResponse:
    """A new asset, prefilled with the client of the page it was opened from (`?client=`)."""
    chosen = request.POST.get("client") if request.method == "POST" else request.GET.get("client")
    client = Client.objects.visible_to(request.user).filter(pk=parse_id(chosen)).first()
    form = AssetForm(request.POST or None, initial={"client": client}, client=client)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            asset = services.create_asset(by=request.user, **data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"{asset.name} added to {asset.client.name}.")
            return redirect("assets:detail", pk=asset.pk)
    return _form_page(request, form, client=client, title=f"New asset{f' of {client.name}' if client else ''}")


@requires(Can.ASSETS_WRITE)
def asset_edit(request: HttpRequest, pk: int) -> HttpResponse:
    asset = _asset(request, pk)
    form = AssetForm(request.POST or None, instance=asset, client=asset.client)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_asset(by=request.user, asset=_asset(request, pk), **changes(form))
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Asset saved.")
            return redirect("assets:detail", pk=pk)
    return _form_page(request, form, asset=_asset(request, pk), client=asset.client, title=f"Edit {asset.name}")


@require_POST
@requires(Can.ASSETS_WRITE)
def asset_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Out of service from a day on; its tickets and history stay."""
    asset = _asset(request, pk)
    form = RetireForm(request.POST)
    if form.is_valid():
        try:
            services.retire_asset(by=request.user, asset=asset, on=form.cleaned_data["on"])
        except ValidationError as error:
            form.add_error("on", error.messages)
        else:
            messages.success(request, f"{asset.name} is retired.")
            return redirect("assets:detail", pk=pk)
    return _page(request, _asset(request, pk), retire_form=form, status=400)


@require_POST
@requires(Can.ASSETS_WRITE)
def asset_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an asset entered by mistake; one a ticket names is refused (retire it instead)."""
    asset = _asset(request, pk)
    try:
        services.delete_asset(by=request.user, asset=asset)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("assets:detail", pk=pk)
    messages.success(request, f"{asset.name} deleted.")
    return redirect("clients:detail", pk=asset.client_id)
