"""Back office for projects: templates are edited here (their structure as JSON, checked on save)."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm

from bspos.projects.models import Milestone, Phase, Project, ProjectTemplate, Task
from bspos.projects.services import check_structure


class TemplateForm(ModelForm):
    class Meta:
        model = ProjectTemplate
        fields = ["name", "description", "billing", "structure", "is_active"]

    def clean_structure(self):
        structure = self.cleaned_data["structure"]
        try:
            check_structure(structure)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return structure


@admin.register(ProjectTemplate)
class ProjectTemplateAdmin(admin.ModelAdmin):
    form = TemplateForm
    list_display = ["name", "billing", "is_active"]


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "client", "status", "billing", "due_date"]
    list_filter = ["status", "billing"]
    search_fields = ["name", "client__name"]
    raw_id_fields = ["client", "agreement", "manager"]
    inlines = [PhaseInline, MilestoneInline]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "status", "assignee", "due_on"]
    list_filter = ["status"]
    raw_id_fields = ["project", "phase", "assignee", "depends_on"]
