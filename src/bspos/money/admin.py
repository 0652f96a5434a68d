"""Money's back office: settings and tool costs are written through money.services (validated, audited);
invoices and runs are read-only (the billing run, issuing and crediting make them)."""

from django.contrib import admin
from django.db import transaction

from bspos.core.admin import ReadOnlyAdmin
from bspos.money import services
from bspos.money.forms import BillingSettingsForm
from bspos.money.models import BillingRun, BillingSettings, Invoice, InvoiceLine, ToolCost


@admin.register(BillingSettings)
class BillingSettingsAdmin(admin.ModelAdmin):
    form = BillingSettingsForm
    list_display = ["company_name", "tax_rate", "currency", "payment_terms_days"]

    def save_model(self, request, obj, form, change) -> None:
        saved = services.update_billing_settings(by=request.user, **form.cleaned_data)
        obj.pk, obj._state.adding = saved.pk, False

    def has_add_permission(self, request) -> bool:
        return not BillingSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ToolCost)
class ToolCostAdmin(admin.ModelAdmin):
    list_display = ["client", "name", "basis", "unit_cost", "start_date", "end_date"]
    list_filter = ["basis"]
    search_fields = ["client__name", "name"]
    autocomplete_fields = ["client"]
    list_select_related = ["client"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            services.update_tool_cost(by=request.user, tool_cost=obj)
        else:
            fields = {name: form.cleaned_data[name] for name in ("name", "basis", "unit_cost", "start_date",
                                                                 "end_date")}
            added = services.add_tool_cost(by=request.user, client=obj.client, **fields)
            obj.pk, obj._state.adding = added.pk, False

    def delete_model(self, request, obj) -> None:
        services.remove_tool_cost(by=request.user, tool_cost=obj)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for cost in queryset:
                services.remove_tool_cost(by=request.user, tool_cost=cost)


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    fields = ["position", "kind", "description", "quantity", "unit_price", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    """Read-only: invoices are made by the billing run and changed only by issuing or crediting."""

    list_display = ["__str__", "client", "kind", "status", "period_start", "total"]
    list_filter = ["status", "kind", "period_start"]
    search_fields = ["client__name"]
    inlines = [InvoiceLineInline]


@admin.register(BillingRun)
class BillingRunAdmin(admin.ModelAdmin):
    list_display = ["month", "started_at", "by", "created", "skipped"]
    readonly_fields = ["month", "started_at", "finished_at", "by", "regenerate", "created", "skipped", "problems"]

    def has_add_permission(self, request) -> bool:
        return False
