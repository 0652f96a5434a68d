from django.contrib import admin

from bspos.audit.admin import AuditedAdmin
from bspos.servicedesk.models import Note, Ticket, TimeEntry


class NoteInline(admin.StackedInline):
    model = Note
    extra = 0
    autocomplete_fields = ["author"]


@admin.register(Ticket)
class TicketAdmin(AuditedAdmin):
    list_display = ["number", "subject", "client", "priority", "status", "tier", "assignee", "source", "created_at",
                    "resolution_due"]
    list_filter = ["status", "priority", "tier", "source", "ticket_type", "category", "in_scope"]
    search_fields = ["=number", "subject", "client__name"]
    date_hierarchy = "created_at"
    list_select_related = ["client", "assignee"]
    autocomplete_fields = ["client", "contact", "agreement", "asset", "assignee"]
    readonly_fields = ["number", "priority", "sla_plan", "first_response_due", "first_response_warning_at",
                       "resolution_due", "resolution_warning_at", "sla_paused_at", "sla_paused_minutes"]
    inlines = [NoteInline]
    show_full_result_count = False

    def save_model(self, request, obj, form, change) -> None:
        # Tickets go through the service desk rules: a number, a priority from impact × urgency, SLA clocks.
        from bspos.servicedesk import services

        if change:
            if {"impact", "urgency"} & set(form.changed_data):
                obj.priority = services.priority_for(obj.impact, obj.urgency)
                services.refresh_sla(obj)
            super().save_model(request, obj, form, change)
            return
        fields = {f: form.cleaned_data[f] for f in form.cleaned_data if f not in {"client", "subject", "impact",
                                                                                  "urgency", "created_at"}}
        created = services.create_ticket(client=obj.client, subject=obj.subject, impact=obj.impact,
                                         urgency=obj.urgency, created_at=obj.created_at, created_by=request.user,
                                         **fields)
        obj.pk, obj.number = created.pk, created.number


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["ticket", "author", "is_internal", "created_at"]
    list_filter = ["is_internal"]
    search_fields = ["body", "=ticket__number"]
    list_select_related = ["ticket", "author"]
    autocomplete_fields = ["ticket", "author"]
    show_full_result_count = False


@admin.register(TimeEntry)
class TimeEntryAdmin(AuditedAdmin):
    list_display = ["technician", "ticket", "internal_category", "started_at", "minutes", "billable", "cost_rate",
                    "bill_rate"]
    list_filter = ["billable", "internal_category", "technician"]
    search_fields = ["technician__username", "=ticket__number", "notes"]
    date_hierarchy = "started_at"
    list_select_related = ["technician", "ticket"]
    autocomplete_fields = ["technician", "ticket"]
    show_full_result_count = False
