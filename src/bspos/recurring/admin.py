from django.contrib import admin

from bspos.recurring.models import Occurrence, RecurringTicket


@admin.register(RecurringTicket)
class RecurringTicketAdmin(admin.ModelAdmin):
    """Read-only here: templates are changed on their pages (or the API) so the schedule and audit trail hold."""

    list_display = ["subject", "client", "frequency", "interval", "next_at", "paused", "ended_at"]
    list_filter = ["frequency", "paused"]
    list_select_related = ["client"]
    search_fields = ["subject", "client__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Occurrence)
class OccurrenceAdmin(admin.ModelAdmin):
    list_display = ["template", "occurs_on", "ticket", "created_at"]
    list_select_related = ["template", "ticket"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
