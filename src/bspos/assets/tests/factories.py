"""A minimal asset: an active workstation of a client."""

import factory

from bspos.assets.models import Asset, AssetType
from bspos.clients.tests.factories import ClientFactory


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    client = factory.SubFactory(ClientFactory)
    asset_type = AssetType.WORKSTATION
    name = factory.Sequence(lambda n: f"PC-{n:04d}")
