from django import forms
from django.core.exceptions import ValidationError

from bspos.clients.models import Site
from bspos.people.models import User
from bspos.projects.models import Task
from bspos.schedule.models import Location
from bspos.schedule.services import schedulable_people
from bspos.servicedesk.models import Ticket

MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local", "step": 900}, format="%Y-%m-%dT%H:%M")


class EntryForm(forms.Form):
    """Book time: a technician, a start and an end (in the viewer's time zone), a ticket or a title; from a ticket's
    or a project task's page the work is fixed (`ticket=` or `task=`)."""

    technician = forms.ModelChoiceField(queryset=User.objects.none())
    starts_at = forms.DateTimeField(label="Starts", widget=MOMENT)
    ends_at = forms.DateTimeField(label="Ends", widget=MOMENT)
    ticket = forms.IntegerField(label="Ticket number", required=False, min_value=1, max_value=2**63 - 1,
                                help_text="Blank for internal work (then say what it is).")
    title = forms.CharField(label="What for", max_length=200, required=False)
    location = forms.ChoiceField(choices=Location.choices, initial=Location.REMOTE)
    site = forms.ModelChoiceField(queryset=Site.objects.none(), required=False, label="Client site")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, ticket: Ticket | None = None, task: Task | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_ticket, self.fixed_task = ticket, task
        self.fields["technician"].queryset = schedulable_people()
        client_id = ticket.client_id if ticket else task.project.client_id if task else None
        if ticket is not None or task is not None:
            del self.fields["ticket"]
        elif self.is_bound and str(self.data.get("ticket", "")).isdigit():
            client_id = Ticket.objects.filter(number=int(self.data["ticket"])).values_list("client_id",
                                                                                           flat=True).first()
        if client_id:
            self.fields["site"].queryset = Site.objects.filter(client_id=client_id).order_by("name")

    def clean_ticket(self):
        number = self.cleaned_data.get("ticket")
        if number is None:
            return None
        ticket = Ticket.objects.select_related("client").filter(number=number).first()
        if ticket is None:
            raise ValidationError(f"No ticket #{number}.")
        return ticket

    def clean(self):
        data = super().clean()
        ticket = self.fixed_ticket or data.get("ticket")
        data["ticket"], data["task"] = ticket, self.fixed_task
        client_id = ticket.client_id if ticket else self.fixed_task.project.client_id if self.fixed_task else None
        if data.get("location") == Location.ON_SITE and not data.get("site") and client_id is not None:
            # the ticket contact's own site, or the client's only one
            site = ticket.contact.site if ticket and ticket.contact_id and ticket.contact.site_id else None
            sites = list(Site.objects.filter(client_id=client_id)[:2])
            data["site"] = site or (sites[0] if len(sites) == 1 else None)
        return data

    def entry_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in ("technician", "starts_at", "ends_at", "ticket", "task", "title",
                                                  "location", "site", "notes")} | {"title": data.get("title") or "",
                                                                       "notes": data.get("notes") or ""}
