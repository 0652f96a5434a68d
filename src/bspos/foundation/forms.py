from django import forms

from bspos.clients.models import Client, ClientStatus
from bspos.foundation.models import (
    Answer,
    CoreValue,
    IdealClientProfile,
    LegalDocument,
    LegalVersion,
    Solution,
    ValueDecision,
    Vision,
    VisionMeasure,
)

DATE = forms.DateInput(attrs={"type": "date"})


class IcpForm(forms.ModelForm):
    class Meta:
        model = IdealClientProfile
        fields = ["name", "description", "business_problem", "congregate_physical", "congregate_online", "verticals",
                  "min_users", "max_users", "is_primary", "test_one_sentence", "test_business_problem",
                  "test_congregate", "test_all_marketing"]
        labels = {"test_one_sentence": "Test 1: a stranger could point you to them",
                  "test_business_problem": "Test 2: one shared business problem",
                  "test_congregate": "Test 3: you know where they congregate",
                  "test_all_marketing": "Test 4: all sales and marketing point at them"}


class SolutionForm(forms.ModelForm):
    class Meta:
        model = Solution
        fields = ["name", "icp", "outcome", "measures", "packages", "icp_tools", "is_active"]
        widgets = {"outcome": forms.Textarea(attrs={"rows": 2}), "measures": forms.Textarea(attrs={"rows": 3}),
                   "packages": forms.CheckboxSelectMultiple, "icp_tools": forms.CheckboxSelectMultiple}


class ValueForm(forms.ModelForm):
    class Meta:
        model = CoreValue
        fields = ["name", "behaviour", "would_fire", "position"]
        widgets = {"behaviour": forms.Textarea(attrs={"rows": 2})}


class DecisionForm(forms.ModelForm):
    class Meta:
        model = ValueDecision
        fields = ["value", "kind", "decided_on", "people", "description"]
        widgets = {"decided_on": DATE, "description": forms.Textarea(attrs={"rows": 2})}


class VisionForm(forms.ModelForm):
    class Meta:
        model = Vision
        fields = ["bhag", "target_date", "mission"]
        widgets = {"target_date": DATE, "bhag": forms.Textarea(attrs={"rows": 3})}


class MeasureForm(forms.ModelForm):
    class Meta:
        model = VisionMeasure
        fields = ["name", "live", "target", "current"]


class DocumentForm(forms.ModelForm):
    class Meta:
        model = LegalDocument
        fields = ["kind", "title", "sla_plans"]
        widgets = {"sla_plans": forms.CheckboxSelectMultiple}

    def validate_unique(self):  # saving a kind that exists renames it (save_document), never a duplicate
        pass


class VersionForm(forms.ModelForm):
    document = forms.ModelChoiceField(LegalDocument.objects.all())
    file_url = forms.URLField(label="File", required=False, assume_scheme="https",
                              help_text="Where the signed-off file is kept.")

    class Meta:
        model = LegalVersion
        fields = ["document", "version", "effective_on", "text", "file_url", "reviewed_on", "reviewed_by",
                  "describes_operations"]
        widgets = {"effective_on": DATE, "reviewed_on": DATE, "text": forms.Textarea(attrs={"rows": 4})}


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(widget=DATE, label="Reviewed on")
    reviewed_by = forms.CharField(max_length=200, label="Attorney")


class SignatureForm(forms.Form):
    client = forms.ModelChoiceField(Client.objects.exclude(status=ClientStatus.CHURNED))
    version = forms.ModelChoiceField(LegalVersion.objects.select_related("document"))
    signed_on = forms.DateField(widget=DATE)


class ChecklistAnswerForm(forms.Form):
    line = forms.CharField(widget=forms.HiddenInput)
    answer = forms.ChoiceField(choices=Answer.choices)
    note = forms.CharField(max_length=300, required=False)
