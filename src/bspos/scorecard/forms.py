from django import forms

from bspos.scorecard.models import Opportunity


class OpportunityForm(forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = ["name", "contact_email", "source", "vertical", "users", "monthly_value", "awareness_on"]
        widgets = {"awareness_on": forms.DateInput(attrs={"type": "date"})}

    def clean_monthly_value(self):
        value = self.cleaned_data["monthly_value"]
        if value is not None and value < 0:
            raise forms.ValidationError("The monthly value cannot be negative.")
        return value
