"""The back office for reviews: it reads them, edits the meeting notes and the refresh policies, and every write
goes through reviews.services (planning, holding and deciding stay with the review page and the API)."""

from django.contrib import admin

from bspos.core.admin import ReadOnlyAdmin
from bspos.reviews import services, summary
from bspos.reviews.models import MonthlySummary, NextStep, PlanSettings, Recommendation, RefreshPolicy, Review

NOTES = ["business_goals", "business_challenges", "observations", "location"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class RecommendationInline(ReadOnlyInline):
    model = Recommendation
    fields = ["title", "area", "roi", "one_time", "monthly", "quarter", "decision"]


class NextStepInline(ReadOnlyInline):
    model = NextStep
    fields = ["description", "owner", "due_on", "done"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["client", "due_on", "status", "scheduled_at", "held_on", "vcio", "published_at"]
    list_filter = ["status", "vcio"]
    search_fields = ["client__name"]
    date_hierarchy = "due_on"
    list_select_related = ["client", "vcio"]
    fields = ["client", "vcio", "status", "due_on", "scheduled_at", "held_on", "published_at", *NOTES]
    readonly_fields = ["client", "vcio", "status", "due_on", "scheduled_at", "held_on", "published_at"]
    inlines = [RecommendationInline, NextStepInline]

    def has_add_permission(self, request) -> bool:
        return False  # reviews are planned by reviews.services.plan_reviews

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a review is history: mark it missed on its page instead

    def save_model(self, request, obj, form, change) -> None:
        current = Review.objects.get(pk=obj.pk)
        services.update_agenda(current, by=request.user, **{name: getattr(obj, name) for name in NOTES})


@admin.register(RefreshPolicy)
class RefreshPolicyAdmin(admin.ModelAdmin):
    list_display = ["asset_type", "client", "max_age_months", "replacement_value"]
    list_filter = ["asset_type"]
    raw_id_fields = ["client"]

    def save_model(self, request, obj, form, change) -> None:
        services.save_refresh_policy(obj, by=request.user)

    def delete_model(self, request, obj) -> None:
        services.delete_refresh_policy(obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for policy in queryset:
            services.delete_refresh_policy(policy, by=request.user)


@admin.register(PlanSettings)
class PlanSettingsAdmin(admin.ModelAdmin):
    list_display = ["client", "renewal_increase", "monthly_summary"]
    list_filter = ["monthly_summary"]
    raw_id_fields = ["client"]

    def save_model(self, request, obj, form, change) -> None:
        summary.update_plan_settings(obj.client, by=request.user, renewal_increase=obj.renewal_increase,
                                     monthly_summary=obj.monthly_summary)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # turn the summary off or the rise to 0 instead


@admin.register(MonthlySummary)
class MonthlySummaryAdmin(ReadOnlyAdmin):
    """What was sent, when and to whom: history, read only."""

    list_display = ["client", "month", "sent_at", "sent_by", "recipients"]
    list_select_related = ["client", "sent_by"]
    search_fields = ["client__name"]
