"""The back office for assets: every save and delete goes through assets.services."""

from django.contrib import admin, messages

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

    def has_delete_permission(self, request, obj=None) -> bool:
        """An asset a ticket names is retired, never deleted (assets.services.delete_asset refuses it)."""
        return super().has_delete_permission(request, obj) and (obj is None or not obj.tickets.exists())

    def delete_queryset(self, request, queryset) -> None:
        named = list(queryset.filter(tickets__isnull=False).distinct().values_list("name", flat=True))
        if named:
            self.message_user(request, f"Not deleted, tickets name them (retire them instead): {', '.join(named)}.",
                              level=messages.ERROR)
        super().delete_queryset(request, queryset.filter(tickets__isnull=True).distinct())

    def create(self, by, values):
        return services.create_asset(by=by, **values)

    def update(self, by, current, changes):
        return services.update_asset(by=by, asset=current, **changes)

    def delete(self, by, current):
        services.delete_asset(by=by, asset=current)
