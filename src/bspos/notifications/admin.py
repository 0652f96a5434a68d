from django.contrib import admin

from bspos.notifications.models import Notification, Preference, Watcher


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "event", "text", "read_at"]
    list_filter = ["event"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "ticket"]
    search_fields = ["text", "recipient__username"]

    def has_add_permission(self, request) -> bool:
        return False  # written by notifications.services.notify when something happens

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "in_app", "email"]
    list_filter = ["event"]
    list_select_related = ["user"]

    def has_add_permission(self, request) -> bool:
        return False  # each person chooses on their preferences page

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Watcher)
class WatcherAdmin(admin.ModelAdmin):
    list_display = ["ticket", "user", "created_at"]
    list_select_related = ["ticket", "user"]
    raw_id_fields = ["ticket", "user"]

    def has_add_permission(self, request) -> bool:
        return False  # Watch on the ticket page (notifications.services.watch)

    def has_change_permission(self, request, obj=None) -> bool:
        return False
