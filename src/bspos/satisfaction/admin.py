from django.contrib import admin

from bspos.satisfaction.models import Survey


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    """Read-only: ratings are the contacts' words, changed only through their link."""

    list_display = ["ticket", "contact", "technician", "sent_at", "score", "answered_at"]
    list_filter = ["score"]
    list_select_related = ["ticket", "contact", "technician"]
    search_fields = ["ticket__subject", "comment"]
    readonly_fields = [f.name for f in Survey._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
