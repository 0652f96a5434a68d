from django import forms

from bspos.agreements.models import Agreement


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["name", "kind", "solution", "package", "unit_price", "quantity", "hourly_rate", "block_hours",
                  "start_date", "end_date", "term_months", "renewal_date", "sla_plan", "included_services",
                  "monthly_value", "notes"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "renewal_date": forms.DateInput(attrs={"type": "date"}),
            "included_services": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
