from django.contrib import admin

from bspos.intake.models import Alert, AlertSource, Delivery, Subscription


@admin.register(AlertSource)
class AlertSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "token_prefix", "default_priority", "resolve_on_resolved", "refire", "is_active"]
    readonly_fields = ["token_prefix", "token_hash"]  # new tokens: the sources page or `bspos alert-source`


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "state", "severity", "client", "ticket", "count", "last_seen"]
    list_filter = ["state", "source"]
    search_fields = ["title", "host", "fingerprint"]
    raw_id_fields = ["asset", "client", "ticket"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "is_active", "created_at"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["delivery_id", "event", "subscription", "state", "attempts", "last_status", "created_at"]
    list_filter = ["state", "event"]
    readonly_fields = ["delivery_id", "body", "attempts", "last_status", "last_error", "delivered_at"]
