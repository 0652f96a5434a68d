from django import forms

from bspos.catalogue.models import AppSubscription
from bspos.clients.models import Client
from bspos.core.dates import parse_month
from bspos.core.filters import MAX_ID, RowFilter
from bspos.money.models import BillingSettings, ToolCost


class MonthField(forms.CharField):
    """A month written YYYY-MM (what `<input type="month">` sends), as its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM", "maxlength": "7"})

    def to_python(self, value):
        text = super().to_python(value)
        return parse_month(text) if text else None


class ReportForm(forms.Form):
    """What the reconciliation and margin pages are asked for."""

    client = RowFilter.field_class(queryset=Client.objects.all(), required=False, label="Client")
    month = MonthField(required=False, label="Month")
    months = forms.IntegerField(min_value=1, max_value=36, required=False, label="Months")


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


class RowIdForm(forms.Form):
    """The id of the row a button acts on, bounded so junk is "no such row", never a database error."""

    id = forms.IntegerField(min_value=1, max_value=MAX_ID)

    @classmethod
    def posted(cls, request) -> int | None:
        form = cls(request.POST)
        return form.cleaned_data["id"] if form.is_valid() else None


class BillingSettingsForm(forms.ModelForm):
    class Meta:
        model = BillingSettings
        fields = ["company_name", "company_address", "tax_id", "tax_rate", "currency", "payment_terms_days",
                  "bill_approved_time_only"]
        widgets = {"company_address": forms.Textarea(attrs={"rows": 3})}

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise forms.ValidationError("Use a three-letter ISO 4217 code, e.g. USD or EUR.")
        return currency
