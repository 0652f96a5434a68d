"""The forms of the project pages; the rules are the models' and projects.services' (refusals land on the form)."""

from django import forms
from django.utils import timezone

from bspos.agreements.models import Agreement
from bspos.clients.forms import DAY
from bspos.clients.models import Client
from bspos.people.models import STAFF_ROLES, User
from bspos.projects.models import Milestone, Phase, Project, ProjectTemplate, Task

# Budget and billing terms are prices: only people who set prices change them (agreements.write or finance).
PRICE_FIELDS = ["budget_hours", "budget_amount", "billing", "agreement", "hourly_rate"]


def staff() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("username"),
                                  required=False)


class ProjectForm(forms.ModelForm):
    template = forms.ModelChoiceField(ProjectTemplate.objects.filter(is_active=True), required=False,
                                      empty_label="Blank project",
                                      help_text="Creates the template's phases, tasks, dependencies and milestones.")
    manager = staff()

    class Meta:
        model = Project
        fields = ["client", "name", "template", "description", "status", "manager", "start_date", "due_date",
                  *PRICE_FIELDS]
        widgets = {"start_date": DAY, "due_date": DAY, "description": forms.Textarea(attrs={"rows": 3})}
        labels = {"budget_hours": "Budget (hours)", "budget_amount": "Budget (amount)", "billing": "Billing terms",
                  "hourly_rate": "Hourly rate"}

    def __init__(self, *args, client: Client | None = None, prices: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # a project stays with its client; its structure is edited on its page
            del self.fields["client"], self.fields["template"]
            client = self.instance.client
        else:
            self.fields["client"].queryset = Client.objects.only("pk", "name")
            del self.fields["status"]
        if not prices:
            for name in PRICE_FIELDS:
                del self.fields[name]
        elif "agreement" in self.fields:
            self.fields["agreement"].queryset = (Agreement.objects.filter(client=client) if client
                                                 else Agreement.objects.none())
            self.fields["agreement"].help_text = ("Under the agreement's terms its time counts as in-scope work."
                                                  if client else "Choose the client first to pick its agreement.")
        self.initial.setdefault("start_date", timezone.localdate())


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["name"]
        labels = {"name": "New phase"}


class TaskForm(forms.ModelForm):
    assignee = staff()

    class Meta:
        model = Task
        fields = ["name", "phase", "assignee", "estimate_hours", "due_on", "status", "depends_on", "description"]
        widgets = {"due_on": DAY, "description": forms.Textarea(attrs={"rows": 3}),
                   "depends_on": forms.SelectMultiple(attrs={"size": 4})}
        labels = {"estimate_hours": "Estimate (hours)", "due_on": "Due on", "depends_on": "Depends on"}

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = project.phases.all()
        self.fields["phase"].empty_label = "No phase"
        others = project.tasks.all()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["depends_on"].queryset = others
        self.fields["depends_on"].required = False


class TaskStatusForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["status"]


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["name", "due_on", "amount"]
        widgets = {"due_on": DAY}
        labels = {"amount": "Fixed-fee amount", "due_on": "Due on"}


class ReachedForm(forms.Form):
    on = forms.DateField(label="Reached on", widget=DAY)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())
