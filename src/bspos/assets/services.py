"""Every write to assets: validated (warranty never before purchase, RMM ids unique, the site of the asset's
client), in a transaction, audited. The pages, the API, the back office and the CSV import call these."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bspos.assets.models import OUT_OF_SERVICE, Asset, Lifecycle
from bspos.audit.services import Snapshot, delete_audited, record, snapshot
from bspos.clients.models import Client
from bspos.people.models import User


def _save(by: User | None, asset: Asset, before: Snapshot | None) -> Asset:
    # Out of service (retired, disposed) since a day; back in service has no retirement day.
    if asset.lifecycle in OUT_OF_SERVICE:
        asset.retired_on = asset.retired_on or timezone.localdate()
    else:
        asset.retired_on = None
    asset.full_clean()
    with transaction.atomic():
        asset.save()
        record(by, asset, before)
    return asset


def create_asset(*, by: User | None, client: Client, **fields) -> Asset:
    asset = Asset(client=client)
    for name, value in fields.items():
        setattr(asset, name, value)
    return _save(by, asset, None)


def update_asset(*, by: User | None, asset: Asset, **changes) -> Asset:
    before = snapshot(asset)
    for name, value in changes.items():
        setattr(asset, name, value)
    return _save(by, asset, before)


def retire_asset(*, by: User | None, asset: Asset, on: date | None = None) -> Asset:
    """Take an asset out of service on a day (default today); it keeps its tickets and history."""
    return update_asset(by=by, asset=asset, lifecycle=Lifecycle.RETIRED, retired_on=on or timezone.localdate())


@transaction.atomic
def delete_asset(*, by: User | None, asset: Asset) -> None:
    """Delete an asset entered by mistake; one that a ticket names is refused (retire it: its history stays)."""
    if asset.tickets.exists():  # the reverse relation: assets do not import the desk
        raise ValidationError("Tickets name this asset, so it cannot be deleted; retire it instead.")
    delete_audited(asset, by)
