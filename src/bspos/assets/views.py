"""Asset list and asset page for MSP staff."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from bspos.assets.models import Asset, AssetType, Lifecycle
from bspos.clients.models import Client
from bspos.core.permissions import Can, requires


def filter_assets(params) -> tuple:
    """The asset list's search and filters (the page and its CSV export share them)."""
    assets = Asset.objects.select_related("client")
    q = params.get("q", "").strip()
    if q:
        assets = assets.filter(Q(name__icontains=q) | Q(serial_number__icontains=q) | Q(rmm_id__icontains=q))
    filters = {"client": params.get("client", ""), "type": params.get("type", ""),
               "lifecycle": params.get("lifecycle", ""), "stale": params.get("stale", "")}
    if filters["client"].isdigit():
        assets = assets.filter(client_id=filters["client"])
    if filters["type"] in AssetType.values:
        assets = assets.filter(asset_type=filters["type"])
    if filters["lifecycle"] in Lifecycle.values:
        assets = assets.filter(lifecycle=filters["lifecycle"])
    if filters["stale"] == "1":  # not seen by the RMM for the configured number of days (intake's asset sync)
        assets = assets.filter(stale_since__isnull=False)
    return assets, q, filters


@requires(Can.DESK_READ)
def asset_list(request: HttpRequest) -> HttpResponse:
    assets, q, filters = filter_assets(request.GET)
    page = Paginator(assets.order_by("client__name", "name"), 50).get_page(request.GET.get("page"))
    return render(request, "assets/list.html", {
        "page": page, "q": q, "filters": filters, "types": AssetType.choices, "lifecycles": Lifecycle.choices,
        "clients": Client.objects.only("pk", "name").order_by("name"),
    })


@requires(Can.DESK_READ)
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_object_or_404(Asset.objects.select_related("client", "site"), pk=pk)
    return render(request, "assets/detail.html", {
        "asset": asset, "tickets": asset.tickets.select_related("assignee").order_by("-number")[:50],
    })
