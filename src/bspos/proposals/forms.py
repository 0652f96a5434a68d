from django import forms

from bspos.catalogue.models import App, Package, Service
from bspos.proposals.models import LineKind, Proposal

DATE = forms.DateInput(attrs={"type": "date"})


class ProposalForm(forms.ModelForm):
    """The five PASTA sections in order, then what the guard needs."""

    class Meta:
        model = Proposal
        fields = ["title", "company", "contact_name", "contact_email", "solution", "problem", "problem_cost_per_year",
                  "accentuate", "solution_text", "transformation", "direct_cost_per_month"]
        labels = {"problem": "P — Problem (the diagnosed business problem)",
                  "problem_cost_per_year": "What the problem costs them per year",
                  "accentuate": "A — Accentuate (the consequences of doing nothing)",
                  "solution_text": "S — Solution", "transformation": "T — Transformation (the measurable after-state)"}
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ("problem", "accentuate", "solution_text",
                                                                          "transformation")}


class NewProposalForm(forms.Form):
    title = forms.CharField(max_length=200)
    lead = forms.IntegerField(required=False, widget=forms.HiddenInput)
    client = forms.IntegerField(required=False, widget=forms.HiddenInput)


class LineForm(forms.Form):
    kind = forms.ChoiceField(choices=LineKind.choices, initial=LineKind.CUSTOM)
    package = forms.ModelChoiceField(Package.objects.all(), required=False)
    service = forms.ModelChoiceField(Service.objects.filter(is_active=True), required=False)
    app = forms.ModelChoiceField(App.objects.filter(is_active=True), required=False, label="Managed app")
    description = forms.CharField(max_length=300, required=False)
    quantity = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2, initial=1)
    unit_price = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2, required=False,
                                    help_text="Empty: the catalogue's price.")
    monthly = forms.BooleanField(required=False, initial=True, label="Monthly (otherwise one-time)")


class SendForm(forms.Form):
    expires_on = forms.DateField(required=False, widget=DATE, help_text="Empty: 30 days from today.")
    override_reason = forms.CharField(max_length=300, required=False,
                                      label="Reason for sending below the floor (owner only)")


class DecisionForm(forms.Form):
    name = forms.CharField(max_length=200, label="Your name")
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PricingReviewForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
    held_on = forms.DateField(widget=DATE)
    decision = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
