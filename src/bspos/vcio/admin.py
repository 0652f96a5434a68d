from django.contrib import admin

from bspos.vcio.models import Assessment, AssessmentTemplate, Party, RoadmapItem


@admin.register(AssessmentTemplate)
class AssessmentTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "version", "kind", "imported_at"]
    readonly_fields = ["data"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["client", "template", "status", "created_at"]
    list_filter = ["status", "template"]
    search_fields = ["client__name"]


@admin.register(RoadmapItem)
class RoadmapItemAdmin(admin.ModelAdmin):
    list_display = ["client", "title", "quarter", "priority", "status", "one_time", "monthly"]
    list_filter = ["status", "priority"]
    search_fields = ["client__name", "title"]


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ["client", "name", "kind", "position"]
    list_filter = ["kind"]
    search_fields = ["client__name", "name"]
