from django.contrib import admin

from bspos.agreements.models import Agreement
from bspos.audit.admin import AuditedAdmin


@admin.register(Agreement)
class AgreementAdmin(AuditedAdmin):
    list_display = ["name", "client", "kind", "unit_price", "quantity", "start_date", "end_date", "renewal_date",
                    "sla_plan"]
    list_filter = ["kind", "sla_plan", "client__service_tier"]
    search_fields = ["name", "client__name"]
    date_hierarchy = "start_date"
    list_select_related = ["client", "sla_plan"]
    autocomplete_fields = ["client"]
    filter_horizontal = ["included_services"]
