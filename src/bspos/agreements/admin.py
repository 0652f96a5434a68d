"""The agreements back office: saves and deletes go through agreements.services (validated, audited)."""

from django.contrib import admin
from django.db import transaction

from bspos.agreements import services
from bspos.agreements.models import Agreement


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["name", "client", "kind", "unit_price", "quantity", "start_date", "end_date", "renewal_date",
                    "sla_plan"]
    list_filter = ["kind", "sla_plan", "client__service_tier"]
    search_fields = ["name", "client__name"]
    date_hierarchy = "start_date"
    list_select_related = ["client", "sla_plan"]
    autocomplete_fields = ["client"]
    filter_horizontal = ["included_services"]

    def save_model(self, request, obj, form, change) -> None:
        included = form.cleaned_data.get("included_services")
        if change:
            services.update_agreement(by=request.user, agreement=obj, included_services=included)
        else:
            fields = {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields
                      if field.name not in ("id", "client")}
            created = services.create_agreement(by=request.user, client=obj.client, included_services=included,
                                                **fields)
            obj.pk, obj._state.adding = created.pk, False  # the admin goes on with the row it showed

    def save_related(self, request, form, formsets, change) -> None:
        for formset in formsets:  # the included services were set by the service
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj) -> None:
        services.delete_agreement(by=request.user, agreement=obj)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for agreement in queryset:
                services.delete_agreement(by=request.user, agreement=agreement)
