from django import forms

from bspos.catalogue.models import AppSubscription
from bspos.money.models import BillingSettings, ToolCost


class DateInput(forms.DateInput):
    input_type = "date"


class PeriodForm(forms.ModelForm):
    """A row that runs from a start date to an optional end date."""

    def clean(self):
        data = super().clean()
        if data.get("end_date") and data.get("start_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", "The end date cannot be before the start date.")
        return data


class ToolCostForm(PeriodForm):
    class Meta:
        model = ToolCost
        fields = ["name", "basis", "unit_cost", "start_date", "end_date"]
        widgets = {"start_date": DateInput, "end_date": DateInput}


class SubscriptionForm(PeriodForm):
    class Meta:
        model = AppSubscription
        fields = ["app", "users", "start_date", "end_date"]
        widgets = {"start_date": DateInput, "end_date": DateInput}


class BillingSettingsForm(forms.ModelForm):
    class Meta:
        model = BillingSettings
        fields = ["company_name", "company_address", "tax_rate", "currency", "payment_terms_days"]
        widgets = {"company_address": forms.Textarea(attrs={"rows": 3})}

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise forms.ValidationError("Use a three-letter ISO 4217 code, e.g. USD or EUR.")
        return currency
