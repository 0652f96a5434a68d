from django.contrib import admin

from bspos.core.models import Sequence


@admin.register(Sequence)
class SequenceAdmin(admin.ModelAdmin):
    list_display = ["name", "last_value"]
    search_fields = ["name"]
    readonly_fields = ["name", "last_value"]

    def has_add_permission(self, request) -> bool:
        return False  # sequences are created by the services that number things
