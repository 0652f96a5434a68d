"""The back office for knowledge: articles, problems and playbooks are saved through knowledge.services (versions
and audit as the pages keep them); checklist runs are worked on their page, so they are read here."""

from django.contrib import admin

from bspos.knowledge import services
from bspos.knowledge.models import (
    Article,
    ArticleVersion,
    ChecklistItem,
    ChecklistRun,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Problem,
)


class VersionInline(admin.TabularInline):
    model = ArticleVersion
    extra = 0
    readonly_fields = ["number", "title", "body", "edited_by", "summary", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "category", "client", "owner", "review_on", "published", "version"]
    list_filter = ["kind", "category", "published"]
    search_fields = ["title"]
    fields = list(services.ARTICLE_FIELDS)
    raw_id_fields = ["client", "owner"]
    inlines = [VersionInline]

    def save_model(self, request, obj, form, change) -> None:
        fields = {name: getattr(obj, name) for name in services.ARTICLE_FIELDS}
        current = Article.objects.get(pk=obj.pk) if change else None
        obj.pk = services.save_article(by=request.user, article=current, summary="back office", **fields).pk


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["title", "client", "category", "status", "implement_article"]
    list_filter = ["status", "category"]
    search_fields = ["title"]
    fields = list(services.PROBLEM_FIELDS)
    raw_id_fields = ["client", "asset", "implement_article", "owner"]

    def save_model(self, request, obj, form, change) -> None:
        fields = {name: getattr(obj, name) for name in services.PROBLEM_FIELDS}
        current = Problem.objects.get(pk=obj.pk) if change else None
        obj.pk = services.save_problem(by=request.user, problem=current, **fields).pk

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a problem record is history: close it on its page


class TemplateItemInline(admin.TabularInline):
    model = ChecklistTemplateItem
    extra = 1


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "active"]
    inlines = [TemplateItemInline]

    def save_model(self, request, obj, form, change) -> None:
        services.save_checklist_template(obj, by=request.user)

    def save_formset(self, request, form, formset, change) -> None:
        for item in formset.save(commit=False):
            services.save_template_item(item, by=request.user)
        for item in formset.deleted_objects:
            services.delete_template_item(item, by=request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # runs keep their template: make it inactive instead


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    can_delete = False
    readonly_fields = ["position", "text", "due_on", "assignee", "done_at", "done_by"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ChecklistRun)
class ChecklistRunAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "client", "person", "started_at", "completed_at"]
    list_filter = ["kind"]
    readonly_fields = ["template", "kind", "client", "person", "title", "started_at", "completed_at", "created_by"]
    inlines = [ItemInline]

    def has_add_permission(self, request) -> bool:
        return False  # started from the checklists page (knowledge.services.start_run)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
