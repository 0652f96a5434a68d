from django.contrib import admin

from bspos.core.models import Sequence


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the back office shows but never adds, edits or deletes (the app's services write them)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Sequence)
class SequenceAdmin(admin.ModelAdmin):
    list_display = ["name", "last_value"]
    search_fields = ["name"]
    readonly_fields = ["name", "last_value"]

    def has_add_permission(self, request) -> bool:
        return False  # sequences are created by the services that number things
