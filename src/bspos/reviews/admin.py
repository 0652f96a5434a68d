from django.contrib import admin

from bspos.reviews.models import NextStep, Recommendation, RefreshPolicy, Review


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0
    fields = ["title", "area", "roi", "one_time", "monthly", "quarter", "decision"]


class NextStepInline(admin.TabularInline):
    model = NextStep
    extra = 0


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["client", "due_on", "status", "scheduled_at", "held_on", "vcio", "published_at"]
    list_filter = ["status", "vcio"]
    search_fields = ["client__name"]
    date_hierarchy = "due_on"
    list_select_related = ["client", "vcio"]
    raw_id_fields = ["client"]
    inlines = [RecommendationInline, NextStepInline]


@admin.register(RefreshPolicy)
class RefreshPolicyAdmin(admin.ModelAdmin):
    list_display = ["asset_type", "client", "max_age_months", "replacement_value"]
    list_filter = ["asset_type"]
    raw_id_fields = ["client"]
