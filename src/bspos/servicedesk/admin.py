from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from bspos.audit.admin import AuditedAdmin
from bspos.servicedesk import services
from bspos.servicedesk.models import Attachment, Note, Ticket, TimeCategory, TimeEntry


class NoteInline(admin.StackedInline):
    model = Note
    extra = 0
    autocomplete_fields = ["author"]


class AttachmentInline(admin.TabularInline):
    """The ticket's files, read-only: files are added on the ticket page, the portal or the API (limits apply);
    removing one here deletes its bytes too."""

    model = Attachment
    extra = 0
    fields = readonly_fields = ["original_name", "note", "size", "content_type", "sha256", "uploaded_by",
                                "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


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
    inlines = [NoteInline, AttachmentInline]
    show_full_result_count = False

    def save_model(self, request, obj, form, change) -> None:
        # Tickets go through the service desk rules: a number, a priority from impact × urgency, the agreement's SLA
        # plan and clocks.
        if change:
            if {"impact", "urgency"} & set(form.changed_data):
                obj.priority = services.priority_for(obj.impact, obj.urgency)
            if "agreement" in form.changed_data:
                obj.sla_plan = services.sla_plan_for(obj.agreement)
            if {"impact", "urgency", "agreement"} & set(form.changed_data):
                services.refresh_sla(obj)
            super().save_model(request, obj, form, change)
            return
        fields = {f: form.cleaned_data[f] for f in form.cleaned_data if f not in {"client", "subject", "impact",
                                                                                  "urgency", "created_at"}}
        created = services.create_ticket(client=obj.client, subject=obj.subject, impact=obj.impact,
                                         urgency=obj.urgency, created_at=obj.created_at, created_by=request.user,
                                         **fields)
        obj.pk, obj.number = created.pk, created.number

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.time_entries.billed().exists():
            return False  # billed is final (services.delete_ticket refuses it too)
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj) -> None:
        services.delete_ticket(obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        _delete_each(self, request, queryset, services.delete_ticket)


def _delete_each(model_admin, request, queryset, delete) -> None:
    """The "delete selected" action, one row at a time through the service (its rules, its audit)."""
    for row in queryset:
        try:
            delete(row, by=request.user)
        except ValidationError as error:
            model_admin.message_user(request, f"{row}: {' '.join(error.messages)}", messages.ERROR)


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["ticket", "author", "is_internal", "created_at"]
    list_filter = ["is_internal"]
    search_fields = ["body", "=ticket__number"]
    list_select_related = ["ticket", "author"]
    autocomplete_fields = ["ticket", "author"]
    show_full_result_count = False

    def delete_model(self, request, obj) -> None:
        services.delete_note(obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        _delete_each(self, request, queryset, services.delete_note)


@admin.register(TimeEntry)
class TimeEntryAdmin(AuditedAdmin):
    list_display = ["technician", "ticket", "internal_category", "started_at", "minutes", "billable", "cost_rate",
                    "bill_rate", "approved_at"]
    list_filter = ["billable", "internal_category", "technician", ("approved_at", admin.EmptyFieldListFilter)]
    search_fields = ["technician__username", "=ticket__number", "notes"]
    date_hierarchy = "started_at"
    list_select_related = ["technician", "ticket"]
    autocomplete_fields = ["technician", "ticket"]
    show_full_result_count = False

    readonly_fields = ["approved_at", "approved_by"]

    # Billed and approved are final: such an entry opens read-only, with the reason, and cannot be deleted.
    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or not services.lock_reason(obj))

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or not services.lock_reason(obj))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        entry = self.get_object(request, object_id)
        if entry is not None and services.lock_reason(entry):
            self.message_user(request, services.lock_reason(entry), messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_model(self, request, obj) -> None:
        services.delete_time_entry(obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        _delete_each(self, request, queryset, services.delete_time_entry)


@admin.register(TimeCategory)
class TimeCategoryAdmin(AuditedAdmin):
    list_display = ["name", "code", "is_active", "position"]
    list_editable = ["is_active", "position"]
