"""Reads of assets beyond a filter: the CSV rows, in the columns the asset import reads back."""

from collections.abc import Iterator

from django.db.models import QuerySet

CHUNK = 2000
# The columns of the asset import, so an export re-imports as it is (docs/imports.md).
ASSET_COLUMNS = ["client", "name", "type", "serial_number", "manufacturer", "model", "operating_system", "rmm_id",
                 "purchased_on", "warranty_expires", "lifecycle", "notes"]


def asset_rows(assets: QuerySet) -> Iterator[tuple]:
    fields = ["client__name", "name", "asset_type", *ASSET_COLUMNS[3:]]
    return assets.order_by("client__name", "name", "pk").values_list(*fields).iterator(chunk_size=CHUNK)
