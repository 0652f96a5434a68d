from django.contrib import admin

from bspos.imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["uploaded_at", "kind", "filename", "rows", "status", "uploaded_by"]
    list_filter = ["kind", "status"]
    readonly_fields = ["content", "errors"]
