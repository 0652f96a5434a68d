from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from bspos.people.models import Rate, User


class RateInline(admin.TabularInline):
    model = Rate
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "tier", "is_active", "last_login"]
    list_filter = ["role", "tier", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = [*DjangoUserAdmin.fieldsets, ("Role in the MSP", {"fields": ["role", "tier", "weekly_hours"]})]
    add_fieldsets = [*DjangoUserAdmin.add_fieldsets, ("Role in the MSP", {"fields": ["role", "tier"]})]
    inlines = [RateInline]


@admin.register(Rate)
class RateAdmin(admin.ModelAdmin):
    list_display = ["user", "effective_from", "cost_rate", "bill_rate"]
    list_filter = ["effective_from"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
