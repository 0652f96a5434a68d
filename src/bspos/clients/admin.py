from django.contrib import admin

from bspos.clients.models import Client, Contact, Site


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "service_tier", "vertical", "client_since", "churned_on", "account_manager"]
    list_filter = ["status", "service_tier", "vertical"]
    search_fields = ["name", "vertical"]
    date_hierarchy = "client_since"
    list_select_related = ["account_manager"]
    autocomplete_fields = ["account_manager"]
    inlines = [SiteInline]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "client", "city", "country"]
    list_filter = ["country"]
    search_fields = ["name", "client__name", "city"]
    list_select_related = ["client"]
    autocomplete_fields = ["client"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "job_title", "is_primary", "is_billable_user", "is_active"]
    list_filter = ["is_primary", "is_billable_user", "is_active", "client__service_tier"]
    search_fields = ["first_name", "last_name", "email", "client__name"]
    list_select_related = ["client"]
    autocomplete_fields = ["client", "site", "user"]
