from django.contrib import admin

from bspos.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["actor", "content_type"]
    readonly_fields = ["at", "actor", "action", "content_type", "object_id", "object_repr", "changes"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the trail is evidence: read-only

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AuditedAdmin(admin.ModelAdmin):
    """Back-office edits leave the same audit trail as the UI and the API."""

    def save_model(self, request, obj, form, change) -> None:
        from bspos.audit.services import record, snapshot

        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        record(request.user, obj, before)

    def delete_model(self, request, obj) -> None:
        from bspos.audit.services import delete_audited

        delete_audited(obj, request.user)
