"""Forms of the week page: a time entry added or corrected inline, a week returned with a comment, a category."""

import re
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone

from bspos.servicedesk.models import Ticket, TimeCategory

DURATION = re.compile(r"^\s*(?:(?P<h>\d{1,2})\s*[:h]\s*(?P<m>\d{1,2})?\s*m?|(?P<dec>\d{1,2}(?:[.,]\d{1,2})?)\s*h"
                      r"|(?P<min>\d{1,4})\s*(?:m|min)?)\s*$", re.IGNORECASE)


def parse_duration(text: str) -> int:
    """Minutes from "90", "90m", "1:30", "1h30" or "1.5h"; a ValidationError saying how to write it otherwise."""
    match = DURATION.match(text or "")
    if match is None:
        raise forms.ValidationError("Write the time as minutes (90), hours and minutes (1:30) or hours (1.5h).")
    if match["min"]:
        minutes = int(match["min"])
    elif match["dec"]:
        minutes = round(float(match["dec"].replace(",", ".")) * 60)
    else:
        minutes = int(match["h"]) * 60 + int(match["m"] or 0)
    if not 1 <= minutes <= 24 * 60:
        raise forms.ValidationError("Between 1 minute and 24 hours.")
    return minutes


class DurationField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "1:30", "size": 6, "inputmode": "text"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value // 60}:{value % 60:02d}"
        return value

    def clean(self, value) -> int:
        return parse_duration(super().clean(value))


class EntryForm(forms.Form):
    """One entry of the week: on a ticket (by number) or internal (a category in use)."""

    day = forms.TypedChoiceField(coerce=date.fromisoformat)
    start = forms.TimeField(initial=time(9, 0), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    duration = DurationField(label="Time")
    ticket = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, label="Ticket #",
                                widget=forms.NumberInput(attrs={"placeholder": "ticket #", "size": 7}))
    category = forms.ChoiceField(required=False, label="or internal")
    billable = forms.BooleanField(required=False, initial=True)
    notes = forms.CharField(required=False, max_length=2000, widget=forms.TextInput(attrs={"placeholder": "notes"}))

    def __init__(self, *args, week: date, editing=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.fields["day"].choices = [((week + timedelta(days=n)).isoformat(),
                                       f"{week + timedelta(days=n):%a %d %b}") for n in range(7)]
        if editing is not None:  # ticket or category never change on an entry; the rest does
            del self.fields["ticket"], self.fields["category"]
        else:
            self.fields["category"].choices = [("", "—")] + list(
                TimeCategory.objects.in_use().values_list("code", "name"))

    def clean_ticket(self):
        number = self.cleaned_data.get("ticket")
        if number is None:
            return None
        ticket = Ticket.objects.filter(number=number).first()
        if ticket is None:
            raise forms.ValidationError(f"There is no ticket #{number}.")
        return ticket

    def clean(self):
        data = super().clean()
        if self.editing is None and not self.errors:
            if data.get("ticket") and data.get("category"):
                raise forms.ValidationError("Choose a ticket or an internal category, not both.")
            if not data.get("ticket") and not data.get("category"):
                raise forms.ValidationError("Give the ticket number, or choose an internal category.")
            if data.get("category"):
                data["billable"] = False  # internal time is the MSP's own: never billed
        if data.get("day") and data.get("start"):
            data["started_at"] = timezone.make_aware(datetime.combine(data["day"], data["start"]))
        return data


class ReturnForm(forms.Form):
    comment = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="What to fix; the technician reads it on their week.")


class CategoryForm(forms.Form):
    name = forms.CharField(max_length=80)
    is_active = forms.BooleanField(required=False, initial=True, label="in use")
    position = forms.IntegerField(min_value=0, max_value=999, initial=0, required=False,
                                  widget=forms.NumberInput(attrs={"size": 3}))
