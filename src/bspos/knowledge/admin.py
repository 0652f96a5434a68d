from django.contrib import admin

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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "category", "client", "owner", "review_on", "published", "version"]
    list_filter = ["kind", "category", "published"]
    search_fields = ["title"]
    raw_id_fields = ["client", "owner", "source_ticket"]
    inlines = [VersionInline]


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["title", "client", "category", "status", "implement_article"]
    list_filter = ["status", "category"]
    search_fields = ["title"]
    raw_id_fields = ["client", "asset", "implement_article", "owner", "tickets"]


class TemplateItemInline(admin.TabularInline):
    model = ChecklistTemplateItem
    extra = 1


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "active"]
    inlines = [TemplateItemInline]


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    raw_id_fields = ["assignee", "done_by"]


@admin.register(ChecklistRun)
class ChecklistRunAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "client", "person", "started_at", "completed_at"]
    list_filter = ["kind"]
    raw_id_fields = ["client", "person", "created_by"]
    inlines = [ItemInline]
