"""The back office for clients, sites and contacts: every save and delete goes through clients.services."""

from django.contrib import admin
from django.db import models

from bspos.clients import services
from bspos.clients.models import Client, Contact, Site


def form_values(obj, fields) -> dict:
    """The model fields a back-office form set on `obj` (its `construct_instance` has run by save time)."""
    names = {field.name for field in obj._meta.fields}
    return {name: getattr(obj, name) for name in fields if name in names}


class ServiceAdmin(admin.ModelAdmin):
    """Saves and deletes call the app's services (validated, in a transaction, audited): a subclass names them."""

    def create(self, by, values: dict):
        raise NotImplementedError

    def update(self, by, current, changes: dict):
        raise NotImplementedError

    def delete(self, by, current) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change) -> None:
        if change:
            current = type(obj).objects.get(pk=obj.pk)  # the row as stored: the audit's "before"
            saved = self.update(request.user, current, form_values(obj, form.changed_data))
        else:
            saved = self.create(request.user, form_values(obj, form.fields))
        obj.pk = saved.pk

    def delete_model(self, request, obj) -> None:
        self.delete(request.user, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete(request.user, obj)


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


@admin.register(Client)
class ClientAdmin(ServiceAdmin):
    list_display = ["name", "status", "service_tier", "vertical", "client_since", "churned_on", "account_manager"]
    list_filter = ["status", "service_tier", "vertical"]
    search_fields = ["name", "vertical"]
    date_hierarchy = "client_since"
    list_select_related = ["account_manager"]
    autocomplete_fields = ["account_manager"]
    inlines = [SiteInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def create(self, by, values):
        return services.create_client(by=by, **values)

    def update(self, by, current, changes):
        return services.update_client(by=by, client=current, **changes)

    def delete(self, by, current):
        services.delete_client(by=by, client=current)

    def save_formset(self, request, form, formset, change) -> None:
        """The client's sites, each through the sites' services."""
        formset.save(commit=False)
        for site in formset.deleted_objects:
            services.delete_site(by=request.user, site=site)
        for site, changed in formset.changed_objects:
            services.update_site(by=request.user, site=Site.objects.get(pk=site.pk), **form_values(site, changed))
        for site in formset.new_objects:
            fields = [f.name for f in Site._meta.fields if f.name not in ("id", "client")]
            site.pk = services.create_site(by=request.user, client=form.instance, **form_values(site, fields)).pk


@admin.register(Site)
class SiteAdmin(ServiceAdmin):
    list_display = ["name", "client", "city", "country"]
    list_filter = ["country"]
    search_fields = ["name", "client__name", "city"]
    list_select_related = ["client"]
    autocomplete_fields = ["client"]

    def create(self, by, values):
        return services.create_site(by=by, **values)

    def update(self, by, current, changes):
        return services.update_site(by=by, site=current, **changes)

    def delete(self, by, current):
        services.delete_site(by=by, site=current)


@admin.register(Contact)
class ContactAdmin(ServiceAdmin):
    list_display = ["__str__", "email", "job_title", "is_primary", "is_billable_user", "is_active"]
    list_filter = ["is_primary", "is_billable_user", "is_active", "client__service_tier"]
    search_fields = ["first_name", "last_name", "email", "client__name"]
    list_select_related = ["client"]
    autocomplete_fields = ["client", "site", "user"]

    def create(self, by, values):
        return services.create_contact(by=by, **values)

    def update(self, by, current, changes):
        return services.update_contact(by=by, contact=current, **changes)

    def delete(self, by, current):
        services.delete_contact(by=by, contact=current)
