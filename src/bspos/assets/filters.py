"""The asset list's filters, shared by the page, its CSV export and `GET /api/v1/assets`."""

import django_filters

from bspos.assets.models import Asset, AssetType, Lifecycle
from bspos.clients.models import Client
from bspos.core.filters import FilterSet, RowFilter, SearchFilter


class AssetFilter(FilterSet):
    q = SearchFilter("name", "serial_number", "rmm_id", placeholder="Search name, serial or RMM id")
    client = RowFilter(queryset=Client.objects.only("pk", "name"), empty_label="Any client", label="Client")
    type = django_filters.ChoiceFilter(field_name="asset_type", choices=AssetType.choices, empty_label="Any type",
                                       label="Type")
    lifecycle = django_filters.ChoiceFilter(choices=Lifecycle.choices, empty_label="Any lifecycle",
                                            label="Lifecycle")
    stale = django_filters.ChoiceFilter(choices=[("1", "Stale only")], empty_label="Stale or not", method="only_stale",
                                        label="Stale")

    class Meta:
        model = Asset
        fields = []

    def only_stale(self, assets, name, value):
        """Not seen by the RMM for the configured number of days (`stale_since`, set by intake's asset sync)."""
        return assets.filter(stale_since__isnull=False) if value == "1" else assets
