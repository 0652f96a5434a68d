from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count
from django.utils.decorators import method_decorator

from bspos.people.models import Rate, RecoveryCodes, User
from bspos.people.reauth import reauthentication_required
from bspos.people.services import remove_rate, set_rate


class RateInline(admin.TabularInline):
    model = Rate
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's own user admin (password hashing, permissions); the rates inline is saved through the service."""

    list_display = ["username", "first_name", "last_name", "role", "tier", "leadership_team", "is_active", "last_login"]
    list_filter = ["role", "tier", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = [*DjangoUserAdmin.fieldsets,
                 ("Role in the MSP", {"fields": ["role", "tier", "weekly_hours", "leadership_team"]})]
    add_fieldsets = [*DjangoUserAdmin.add_fieldsets, ("Role in the MSP", {"fields": ["role", "tier"]})]
    inlines = [RateInline]

    # roles, passwords and permissions are the keys to every client's data: changing them asks who you are again
    @method_decorator(reauthentication_required)
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    @method_decorator(reauthentication_required)
    def user_change_password(self, request, id, form_url=""):
        return super().user_change_password(request, id, form_url)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Rate:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []  # the change message
        for inline in formset.forms:
            if not inline.has_changed():
                continue
            existing = inline.instance if inline.instance.pk else None
            if formset.can_delete and formset._should_delete_form(inline):
                if existing is not None:
                    formset.deleted_objects.append(existing)
                    remove_rate(rate=existing)
                continue
            data = inline.cleaned_data
            rate = set_rate(user=form.instance, effective_from=data["effective_from"], cost_rate=data["cost_rate"],
                            bill_rate=data["bill_rate"], rate=existing)
            if existing is None:
                formset.new_objects.append(rate)
            else:
                formset.changed_objects.append((rate, inline.changed_data))


@admin.register(Rate)
class RateAdmin(admin.ModelAdmin):
    list_display = ["user", "effective_from", "cost_rate", "bill_rate"]
    list_filter = ["effective_from"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        saved = set_rate(user=data["user"], effective_from=data["effective_from"], cost_rate=data["cost_rate"],
                         bill_rate=data["bill_rate"], rate=obj if change else None)
        obj.pk = saved.pk

    def delete_model(self, request, obj) -> None:
        remove_rate(rate=obj)

    def delete_queryset(self, request, queryset) -> None:
        for rate in queryset:
            remove_rate(rate=rate)


@admin.register(RecoveryCodes)
class RecoveryCodesAdmin(admin.ModelAdmin):
    """Only digests are stored, so nothing to read: deleting a person's recovery codes is the one thing to do here
    (with their authenticator apps and passkeys, when someone has lost them all: docs/operations.md)."""

    list_display = ["user", "codes_left", "last_used_at"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "confirmed", "last_used_at", "created_at"]
    exclude = ["throttling_failure_timestamp", "throttling_failure_count"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(left=Count("codes"))

    @admin.display(description="unused codes", ordering="left")
    def codes_left(self, obj) -> int:
        return obj.left

    def has_add_permission(self, request) -> bool:
        return False
