from django.contrib import admin

from bspos.catalogue.models import Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "area", "is_active"]
    list_filter = ["unit", "area", "is_active"]
    search_fields = ["name", "description"]
