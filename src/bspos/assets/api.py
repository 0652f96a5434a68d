"""REST endpoints for assets (configuration items): the same writes as the pages, through assets.services, with
`assets.write` (docs/permissions.md)."""

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AwareDatetime

from bspos.assets import services
from bspos.assets.filters import AssetFilter
from bspos.assets.models import Asset, AssetType, Lifecycle
from bspos.clients.models import Client, Site
from bspos.core.api import MAX_ID, Id, Pages, existing, staff_read, staff_write, text
from bspos.core.filters import api_filter, query_schema
from bspos.core.permissions import Can

router = Router(tags=["assets"])
AssetQuery = query_schema(AssetFilter)
PathId = Path(..., ge=1, le=MAX_ID)


class AssetOut(Schema):
    id: int
    client_id: int
    site_id: int | None
    asset_type: AssetType
    name: str
    serial_number: str
    manufacturer: str
    model: str
    operating_system: str
    rmm_id: str | None
    last_seen: datetime | None
    purchased_on: date | None
    warranty_expires: date | None
    lifecycle: Lifecycle
    retired_on: date | None
    notes: str


class AssetIn(Schema):
    client_id: Id
    site_id: Id | None = None
    asset_type: AssetType
    name: text(200, min_length=1)
    serial_number: text(100) = ""
    manufacturer: text(100) = ""
    model: text(100) = ""
    operating_system: text(100) = ""
    rmm_id: text(100, min_length=1) | None = None
    last_seen: AwareDatetime | None = None
    purchased_on: date | None = None
    warranty_expires: date | None = None
    lifecycle: Lifecycle = Lifecycle.ACTIVE
    retired_on: date | None = None
    notes: text(20000) = ""


class AssetPatch(Schema):
    site_id: Id | None = None
    asset_type: AssetType | None = None
    name: text(200, min_length=1) | None = None
    serial_number: text(100) | None = None
    manufacturer: text(100) | None = None
    model: text(100) | None = None
    operating_system: text(100) | None = None
    rmm_id: text(100, min_length=1) | None = None
    last_seen: AwareDatetime | None = None
    purchased_on: date | None = None
    warranty_expires: date | None = None
    lifecycle: Lifecycle | None = None
    retired_on: date | None = None
    notes: text(20000) | None = None


def _data(payload: Schema, *, partial: bool, client_id: int) -> dict:
    data = payload.dict(exclude_unset=partial)
    data.pop("client_id", None)
    if "site_id" in data:
        data["site"] = existing(Site, data.pop("site_id"), "site_id", Site.objects.filter(client_id=client_id))
    return data


def _asset(request, asset_id: int) -> Asset:
    return get_object_or_404(Asset.objects.visible_to(request.user), pk=asset_id)


@router.get("/assets", response=list[AssetOut])
@paginate(Pages)
def list_assets(request, filters: Query[AssetQuery]):
    staff_read(request)
    return api_filter(AssetFilter, request, Asset.objects.visible_to(request.user)).order_by("client_id", "name", "id")


@router.post("/assets", response={201: AssetOut})
def create_asset(request, payload: AssetIn):
    staff_write(request, Can.ASSETS_WRITE)
    client = existing(Client, payload.client_id, "client_id")
    return Status(201, services.create_asset(by=request.user, client=client,
                                             **_data(payload, partial=False, client_id=client.pk)))


@router.get("/assets/{int:asset_id}", response=AssetOut)
def get_asset(request, asset_id: int = PathId):
    staff_read(request)
    return _asset(request, asset_id)


@router.patch("/assets/{int:asset_id}", response=AssetOut)
def update_asset(request, payload: AssetPatch, asset_id: int = PathId):
    staff_write(request, Can.ASSETS_WRITE)
    asset = _asset(request, asset_id)
    return services.update_asset(by=request.user, asset=asset,
                                 **_data(payload, partial=True, client_id=asset.client_id))


class RetireIn(Schema):
    on: date | None = None


@router.post("/assets/{int:asset_id}/retire", response=AssetOut)
def retire_asset(request, payload: RetireIn, asset_id: int = PathId):
    """Out of service from a day on (default today); tickets and history stay."""
    staff_write(request, Can.ASSETS_WRITE)
    return services.retire_asset(by=request.user, asset=_asset(request, asset_id), on=payload.on)


@router.delete("/assets/{int:asset_id}", response={204: None})
def delete_asset(request, asset_id: int = PathId):
    """Delete an asset entered by mistake; one a ticket names is refused with 422 (retire it instead)."""
    staff_write(request, Can.ASSETS_WRITE)
    services.delete_asset(by=request.user, asset=_asset(request, asset_id))
    return Status(204, None)
