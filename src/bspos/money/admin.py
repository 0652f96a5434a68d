from django.contrib import admin

from bspos.money.models import BillingRun, BillingSettings, Invoice, InvoiceLine, ToolCost


@admin.register(BillingSettings)
class BillingSettingsAdmin(admin.ModelAdmin):
    list_display = ["company_name", "tax_rate", "currency", "payment_terms_days"]

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


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    fields = ["position", "kind", "description", "quantity", "unit_price", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    """Read-only: invoices are made by the billing run and changed only by issuing or crediting."""

    list_display = ["__str__", "client", "kind", "status", "period_start", "total"]
    list_filter = ["status", "kind", "period_start"]
    search_fields = ["client__name"]
    inlines = [InvoiceLineInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BillingRun)
class BillingRunAdmin(admin.ModelAdmin):
    list_display = ["month", "started_at", "by", "created", "skipped"]
    readonly_fields = ["month", "started_at", "finished_at", "by", "regenerate", "created", "skipped", "problems"]

    def has_add_permission(self, request) -> bool:
        return False
