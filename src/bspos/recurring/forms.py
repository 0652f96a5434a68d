from django import forms

from bspos.clients.models import Client, Contact
from bspos.knowledge.models import ChecklistTemplate
from bspos.people.models import STAFF_ROLES, User
from bspos.recurring.models import CLIENT_CHECKLISTS, WEEKDAYS, RecurringTicket

FIELDS = ["client", "subject", "description", "contact", "assignee", "impact", "urgency", "category",
          "checklist_template", "frequency", "interval", "weekdays", "month_day", "starts_on", "ends_on", "count",
          "time_of_day", "days_ahead"]


class RecurringTicketForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(choices=WEEKDAYS, coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple,
                                              help_text="Weekly: which days; none = the start's weekday.")

    class Meta:
        model = RecurringTicket
        fields = FIELDS
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}),
                   "ends_on": forms.DateInput(attrs={"type": "date"}),
                   "time_of_day": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.order_by("name")
        self.fields["assignee"].queryset = User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by(
            "username")
        self.fields["checklist_template"].queryset = ChecklistTemplate.objects.filter(
            active=True, kind__in=CLIENT_CHECKLISTS)
        client = self.data.get("client") if self.is_bound else (self.instance.client_id or self.initial.get("client"))
        contacts = Contact.objects.order_by("last_name", "first_name")
        self.fields["contact"].queryset = (contacts.filter(client_id=client) if str(client or "").isdigit()
                                           else contacts.none())
        if self.instance.pk and not self.is_bound:
            self.initial["weekdays"] = self.instance.weekday_numbers()

    def clean_weekdays(self) -> str:
        return ",".join(str(day) for day in sorted(set(self.cleaned_data["weekdays"])))
