from django.contrib import admin

from bspos.schedule.models import CalendarFeed, ScheduleEntry


@admin.register(ScheduleEntry)
class ScheduleEntryAdmin(admin.ModelAdmin):
    list_display = ["technician", "starts_at", "ends_at", "ticket", "title", "location"]
    list_filter = ["location"]
    raw_id_fields = ["ticket", "site", "technician", "created_by"]
    date_hierarchy = "starts_at"


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "last_fetched_at"]
    readonly_fields = ["user", "token_hash", "created_at", "last_fetched_at"]
