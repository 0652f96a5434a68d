"""Every write to assets: validated (warranty never before purchase, RMM ids unique, the site of the asset's
client), in a transaction, audited. The API, the back office and the CSV import call these."""

from django.db import transaction

from bspos.assets.models import Asset
from bspos.audit.services import Snapshot, delete_audited, record, snapshot
from bspos.clients.models import Client
from bspos.people.models import User


def _save(by: User | None, asset: Asset, before: Snapshot | None) -> Asset:
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


@transaction.atomic
def delete_asset(*, by: User | None, asset: Asset) -> None:
    """Delete an asset; tickets that named it keep their history without it."""
    delete_audited(asset, by)
