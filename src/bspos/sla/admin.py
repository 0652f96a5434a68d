from django.contrib import admin

from bspos.sla.models import BusinessCalendar, CalendarHoliday, SlaPlan, SlaTarget, WorkingHours


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class CalendarHolidayInline(admin.TabularInline):
    model = CalendarHoliday
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "holiday_country", "holiday_subdivision"]
    list_filter = ["time_zone", "holiday_country"]
    search_fields = ["name"]
    inlines = [WorkingHoursInline, CalendarHolidayInline]


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ["calendar", "weekday", "starts", "ends"]
    list_filter = ["calendar", "weekday"]
    search_fields = ["calendar__name"]


@admin.register(CalendarHoliday)
class CalendarHolidayAdmin(admin.ModelAdmin):
    list_display = ["calendar", "date", "name"]
    list_filter = ["calendar"]
    search_fields = ["name", "calendar__name"]
    date_hierarchy = "date"


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0


@admin.register(SlaPlan)
class SlaPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "calendar", "at_risk_percent"]
    list_filter = ["calendar"]
    search_fields = ["name"]
    inlines = [SlaTargetInline]


@admin.register(SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):
    list_display = ["plan", "priority", "first_response_minutes", "resolution_minutes"]
    list_filter = ["plan", "priority"]
    search_fields = ["plan__name"]
