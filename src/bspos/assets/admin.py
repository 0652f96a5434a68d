"""The back office for assets: every save and delete goes through assets.services."""

from django.contrib import admin

from bspos.assets import services
from bspos.assets.models import Asset
from bspos.clients.admin import ServiceAdmin


@admin.register(Asset)
class AssetAdmin(ServiceAdmin):
    list_display = ["name", "client", "asset_type", "operating_system", "lifecycle", "last_seen",
                    "warranty_expires"]
    list_filter = ["asset_type", "lifecycle", "operating_system"]
    search_fields = ["name", "serial_number", "rmm_id", "client__name"]
    date_hierarchy = "warranty_expires"
    list_select_related = ["client"]
    autocomplete_fields = ["client", "site"]

    def create(self, by, values):
        return services.create_asset(by=by, **values)

    def update(self, by, current, changes):
        return services.update_asset(by=by, asset=current, **changes)

    def delete(self, by, current):
        services.delete_asset(by=by, asset=current)
