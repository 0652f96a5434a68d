from django.contrib import admin, messages

from bspos.api.models import ApiToken
from bspos.api.services import revoke_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are read here and revoked with the action; they are created with `bspos create-token` or on the
    account page (so the secret is shown once) and never edited."""

    list_display = ["name", "user", "prefix", "scope", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", "revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke instead: the row stays, with its last use, for the audit trail

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset) -> None:
        for token in queryset:
            revoke_token(token=token, by=request.user)
        self.message_user(request, f"{queryset.count()} token(s) revoked.", messages.SUCCESS)
