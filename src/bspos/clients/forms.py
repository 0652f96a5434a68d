"""The forms of the client, contact and site pages. They check what a person typed; the rules themselves are the
models' and services' (a refusal from a service lands on the form with `show_refusal`)."""

from zoneinfo import available_timezones

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from bspos.clients.models import Client, ClientStatus, Contact, Site
from bspos.people.models import STAFF_ROLES, User

DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def show_refusal(form: forms.Form, error: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's refusal on the form: on the field it names (or the form's field for it, `aliases`) when the
    form has it, else above the fields."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            field = (aliases or {}).get(field, field)
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def changes(form: forms.ModelForm) -> dict:
    """The values a person changed on an edit form, for the service's `update_…(**changes)`."""
    return {name: form.cleaned_data[name] for name in form.changed_data}


class ClientForm(forms.ModelForm):
    """A new client (prospect or active) or a client's details; status changes have their own form."""

    website = forms.URLField(max_length=200, required=False, assume_scheme="https")

    class Meta:
        model = Client
        fields = ["name", "status", "vertical", "service_tier", "account_manager", "prospect_since", "client_since",
                  "churned_on", "churn_reason", "fiscal_year_start", "phone", "website", "notes"]
        widgets = {"prospect_since": DAY, "client_since": DAY, "churned_on": DAY,
                   "notes": forms.Textarea(attrs={"rows": 4})}
        labels = {"client_since": "Client since", "prospect_since": "Prospect since"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account_manager"].queryset = User.objects.filter(role__in=STAFF_ROLES, is_active=True)
        if self.instance.pk:  # an existing client changes status on the status form, where the dates are asked
            del self.fields["status"]
            if self.instance.status != ClientStatus.CHURNED:
                del self.fields["churned_on"], self.fields["churn_reason"]
        else:
            self.fields["status"].choices = [(s.value, s.label) for s in (ClientStatus.PROSPECT, ClientStatus.ACTIVE)]
            self.fields["status"].help_text = "An active client needs the day it became a client."
            del self.fields["churned_on"], self.fields["churn_reason"]
            self.initial.setdefault("prospect_since", timezone.localdate())


class ClientStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ClientStatus.choices)
    on = forms.DateField(label="On", widget=DAY, help_text="The day it became a prospect, a client, or left. A "
                         "client that already has a start date keeps it.")
    churn_reason = forms.CharField(label="Why it left", max_length=300, required=False,
                             help_text="Needed when the client churns.")

    def __init__(self, *args, client: Client, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(value, label) for value, label in ClientStatus.choices
                                         if value != client.status]
        self.initial.setdefault("on", timezone.localdate())


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "email", "phone", "job_title", "site", "is_primary", "is_billable_user"]
        labels = {"job_title": "Title", "is_primary": "Primary contact", "is_billable_user": "Billable user"}

    def __init__(self, *args, client: Client, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(client=client)
        self.fields["site"].label_from_instance = lambda site: site.name


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name", "address", "city", "country", "time_zone"]
        labels = {"time_zone": "Time zone"}
        help_texts = {"time_zone": "e.g. Europe/London; empty for the MSP's own."}

    def clean_time_zone(self) -> str:
        zone = self.cleaned_data["time_zone"].strip()
        if zone and zone not in available_timezones():
            raise ValidationError("Not a time zone; use a name like Europe/London or America/New_York.")
        return zone
