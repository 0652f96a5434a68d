"""The back office for the vCIO app: every save and delete goes through vcio.services and vcio.matrix (validated,
in a transaction, audited); templates are imported (`bspos assessment-template`), so they are read here."""

from django.contrib import admin

from bspos.vcio import matrix, services
from bspos.vcio.models import Assessment, AssessmentTemplate, Party, RoadmapItem


class ServiceDeletes(admin.ModelAdmin):
    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AssessmentTemplate)
class AssessmentTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "version", "kind", "imported_at"]
    readonly_fields = ["key", "version", "name", "kind", "description", "data"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["client", "template", "status", "created_at"]
    list_filter = ["status", "template"]
    search_fields = ["client__name"]
    fields = ["client", "template", "status", "started_by", "closed_at"]
    raw_id_fields = ["client"]

    def get_readonly_fields(self, request, obj=None):
        return ["status", "started_by", "closed_at"] + (["client", "template"] if obj else [])

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        """A closed assessment is kept as it was: the back office shows it, nothing more."""
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_closed)

    def save_model(self, request, obj, form, change) -> None:
        if not change:  # answering, reviewing and closing happen on the assessment's page
            obj.pk = services.start_assessment(client=obj.client, template=obj.template, by=request.user).pk


@admin.register(RoadmapItem)
class RoadmapItemAdmin(ServiceDeletes):
    list_display = ["client", "title", "quarter", "priority", "status", "one_time", "monthly"]
    list_filter = ["status", "priority"]
    search_fields = ["client__name", "title"]
    raw_id_fields = ["client", "assessment", "owner"]

    def save_model(self, request, obj, form, change) -> None:
        services.save_roadmap_item(obj, by=request.user)

    def delete_model(self, request, obj) -> None:
        services.delete_roadmap_item(obj, by=request.user)


@admin.register(Party)
class PartyAdmin(ServiceDeletes):
    list_display = ["client", "name", "kind", "position"]
    list_filter = ["kind"]
    search_fields = ["client__name", "name"]
    raw_id_fields = ["client"]

    def get_readonly_fields(self, request, obj=None):
        return ["client", "name", "kind", "position"] if obj else ["position"]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.pk = matrix.add_party(obj.client, name=obj.name, kind=obj.kind, by=request.user).pk

    def delete_model(self, request, obj) -> None:
        matrix.remove_party(obj, by=request.user)
