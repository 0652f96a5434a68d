"""Intake in the back office: sources and subscriptions are changed through the services (the same checks and,
for sources, the same audit as the pages); alerts and deliveries are records, read here and never edited."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from bspos.core.admin import ReadOnlyAdmin
from bspos.intake import services, webhooks
from bspos.intake.models import Alert, AlertSource, Delivery, Subscription


class AlertSourceForm(forms.ModelForm):
    class Meta:
        model = AlertSource
        fields = ["name", "kind", "severity_map", "default_priority", "resolve_on_resolved", "refire", "is_active",
                  "rate_per_minute"]

    def clean_severity_map(self):
        try:
            return services.clean_severity_map(self.cleaned_data["severity_map"] or {})
        except ValidationError as error:
            raise ValidationError(error.messages) from None


@admin.register(AlertSource)
class AlertSourceAdmin(admin.ModelAdmin):
    form = AlertSourceForm
    list_display = ["name", "kind", "token_prefix", "default_priority", "resolve_on_resolved", "refire", "is_active"]
    readonly_fields = ["token_prefix"]  # new sources and tokens: the sources page or `bspos alert-source`

    def has_add_permission(self, request) -> bool:
        return False  # the token must be shown once, which only the sources page and the command do

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.alerts.exists()  # one that sent alerts is disabled instead

    def save_model(self, request, obj, form, change) -> None:
        data = {name: form.cleaned_data[name] for name in form.changed_data if name != "severity_map"}
        severity_map = form.cleaned_data["severity_map"] if "severity_map" in form.changed_data else None
        services.update_source(obj, severity_map=severity_map, by=request.user, **data)

    def delete_model(self, request, obj) -> None:
        services.delete_source(source=obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for source in queryset:
            try:
                services.delete_source(source=source, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    """Assigning an unassigned alert is on the alerts page (it may open the ticket)."""

    list_display = ["title", "source", "state", "severity", "client", "ticket", "count", "last_seen"]
    list_filter = ["state", "source"]
    search_fields = ["title", "host", "fingerprint"]
    list_select_related = ["source", "client", "ticket"]


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https")

    class Meta:
        model = Subscription
        fields = ["name", "url", "events", "is_active"]

    def clean(self):
        data = super().clean()
        try:
            webhooks.validated(name=data.get("name", ""), url=data.get("url", ""), events=data.get("events"))
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return data


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["name", "url", "is_active", "created_at"]

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        if change:
            webhooks.update_subscription(obj, name=data["name"], url=data["url"], events=data["events"],
                                         is_active=data["is_active"])
        else:
            created = webhooks.create_subscription(name=data["name"], url=data["url"], events=data["events"])
            if not data["is_active"]:
                webhooks.update_subscription(created, is_active=False)
            obj.pk = created.pk

    def delete_model(self, request, obj) -> None:
        webhooks.delete_subscription(subscription=obj)

    def delete_queryset(self, request, queryset) -> None:
        for subscription in queryset:
            webhooks.delete_subscription(subscription=subscription)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["delivery_id", "event", "subscription", "state", "attempts", "last_status", "created_at"]
    list_filter = ["state", "event"]
    list_select_related = ["subscription"]
    actions = ["send_again"]

    @admin.action(description="Send the selected deliveries again")
    def send_again(self, request, queryset) -> None:
        sent = 0
        for delivery in queryset:
            try:
                webhooks.redeliver(delivery)
                sent += 1
            except ValidationError as error:
                self.message_user(request, f"{delivery.delivery_id}: {' '.join(error.messages)}", messages.WARNING)
        self.message_user(request, f"{sent} delivery(ies) queued again.", messages.SUCCESS)
