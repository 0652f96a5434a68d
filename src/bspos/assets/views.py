"""Asset list, asset page and the asset CSV export, for MSP staff."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render

from bspos.assets import selectors
from bspos.assets.filters import AssetFilter
from bspos.assets.models import Asset
from bspos.core import csvwriter
from bspos.core.permissions import Can, requires


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


@requires(Can.DESK_READ)
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_object_or_404(Asset.objects.visible_to(request.user).select_related("client", "site"), pk=pk)
    return render(request, "assets/detail.html", {
        "asset": asset, "tickets": asset.tickets.select_related("assignee").order_by("-number")[:50],
    })
