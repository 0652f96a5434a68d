from django.contrib import admin

from bspos.assets.models import Asset


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["name", "client", "asset_type", "operating_system", "lifecycle", "last_seen",
                    "warranty_expires"]
    list_filter = ["asset_type", "lifecycle", "operating_system"]
    search_fields = ["name", "serial_number", "rmm_id", "client__name"]
    date_hierarchy = "warranty_expires"
    list_select_related = ["client"]
    autocomplete_fields = ["client", "site"]
