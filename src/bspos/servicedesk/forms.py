import html
import re

from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from bspos.agreements.models import Agreement
from bspos.assets.models import Asset
from bspos.clients.models import Client, ClientStatus, Contact
from bspos.core.dates import in_force_q
from bspos.people.models import Role, User
from bspos.servicedesk.attachments import AttachmentsField
from bspos.servicedesk.models import (
    MAX_CC,
    PLACEHOLDERS,
    CannedReply,
    Level,
    Source,
    Status,
    Ticket,
    TicketType,
    validate_addresses,
)
from bspos.servicedesk.services import TRANSITIONS


class QuickSelect(forms.Select):
    """A select whose options are joined in Python: Django's template per option costs ~40 ms for 1,000 clients."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        selected = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{html.escape(str(key))}"{" selected" if str(key) in selected else ""}>'
            f"{html.escape(str(label))}</option>" for key, label in self.choices)
        return mark_safe(f"<select{flatatt(self.build_attrs(self.attrs, {**(attrs or {}), 'name': name}))}>"
                         f"{options}</select>")


WORKS_TICKETS = (Role.TECHNICIAN, Role.OWNER, Role.SERVICE_MANAGER, Role.VCIO)


def staff_choices():
    return User.objects.filter(role__in=WORKS_TICKETS, is_active=True).order_by("username")


class AgreementChoiceField(forms.ModelChoiceField):
    """One client's agreements, so each is shown by its name alone."""

    def label_from_instance(self, agreement: Agreement) -> str:
        return agreement.name


class TicketForm(forms.Form):
    client = forms.ModelChoiceField(queryset=Client.objects.exclude(status=ClientStatus.PROSPECT))
    contact = forms.ModelChoiceField(queryset=Contact.objects.none(), required=False)
    asset = forms.ModelChoiceField(queryset=Asset.objects.none(), required=False)
    agreement = AgreementChoiceField(queryset=Agreement.objects.none(), required=False,
                                     help_text="Leave empty for the client's agreement in force today.")
    subject = forms.CharField(max_length=250)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    source = forms.ChoiceField(choices=Source.choices, initial=Source.PHONE)
    ticket_type = forms.ChoiceField(label="Type", choices=TicketType.choices)
    impact = forms.TypedChoiceField(choices=Level.choices, coerce=int, initial=Level.MEDIUM)
    urgency = forms.TypedChoiceField(choices=Level.choices, coerce=int, initial=Level.MEDIUM)
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    attachments = AttachmentsField()

    def __init__(self, *args, opened_by: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_choices()
        if opened_by.role in WORKS_TICKETS:  # a ticket the technician opens is theirs unless they choose otherwise
            self.initial.setdefault("assignee", opened_by.pk)
        client_id = self.data.get("client") or self.initial.get("client")
        if client_id and str(client_id).isdigit():
            self.fields["contact"].queryset = Contact.objects.filter(client_id=client_id, is_active=True)
            self.fields["asset"].queryset = Asset.objects.filter(client_id=client_id).order_by("name")
            self.fields["agreement"].queryset = Agreement.objects.filter(client_id=client_id)


class AgreementForm(forms.Form):
    """The ticket's agreement: one of its client's in force on the ticket's day (or the current one), or none."""

    agreement = AgreementChoiceField(queryset=Agreement.objects.none(), required=False, empty_label="None")

    def __init__(self, *args, ticket: Ticket, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        day = timezone.localdate(ticket.created_at)
        self.fields["agreement"].queryset = Agreement.objects.filter(
            in_force_q(day) | Q(pk=ticket.agreement_id), client_id=ticket.client_id).order_by("name")


def parse_addresses(text: str) -> list[str]:
    """Addresses typed one per line or separated by commas or semicolons, as a list (empty parts dropped)."""
    return [part.strip() for part in re.split(r"[,;\s]+", text or "") if part.strip()]


class CcForm(forms.Form):
    cc = forms.CharField(label="CC", required=False, max_length=5000,
                         widget=forms.Textarea(attrs={"rows": 2, "placeholder": "name@example.com, …"}),
                         help_text=f"Copied on every email reply; separate addresses by commas (at most {MAX_CC}).")

    def clean_cc(self) -> list[str]:
        addresses = parse_addresses(self.cleaned_data["cc"])
        validate_addresses(addresses)
        return addresses


STATUS_IN_COMPOSER = {Status.OPEN: "and reopen", Status.WAITING_ON_CLIENT: "and wait on client",
                      Status.RESOLVED: "and resolve", Status.CLOSED: "and close"}


class ComposerForm(forms.Form):
    """One submit: a public reply or internal note, time spent, a status to set and the resolution note."""

    kind = forms.ChoiceField(choices=[("reply", "Public reply"), ("note", "Internal note")], initial="reply",
                             widget=forms.RadioSelect, required=False)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=20000, required=False,
                           label="Message")
    minutes = forms.IntegerField(min_value=1, max_value=24 * 60, required=False, label="Time spent (minutes)")
    billable = forms.BooleanField(required=False, initial=True)
    status = forms.ChoiceField(required=False, label="Then")
    resolution = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False,
                                 label="Resolution note", help_text="Needed to resolve or close: how it was fixed.")
    attachments = AttachmentsField()

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or "reply"  # a public reply unless the note is chosen

    def __init__(self, *args, ticket: Ticket, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # "Leave as is" first and preselected: sending never moves the ticket unless the user chooses a move.
        self.fields["status"].choices = [("", "leave as is")] + [
            (value, STATUS_IN_COMPOSER[value]) for value in Status.values if value in TRANSITIONS[ticket.status]]
        self.fields["resolution"].initial = ticket.resolution


class CannedReplyForm(forms.ModelForm):
    class Meta:
        model = CannedReply
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"body": "Placeholders: " + ", ".join(f"{{{name}}} ({meaning})"
                                                           for name, meaning in PLACEHOLDERS.items()) + "."}


class ContactChoiceField(forms.ModelChoiceField):
    """One client's contacts, each by name (Contact's own label names the client: a query per option)."""

    def label_from_instance(self, contact: Contact) -> str:
        return contact.name


class ContactForm(forms.Form):
    contact = ContactChoiceField(queryset=Contact.objects.none(), required=False, empty_label="No contact")

    def __init__(self, *args, client_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(client_id=client_id, is_active=True).order_by(
            "last_name", "first_name")


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)


class PriorityForm(forms.Form):
    impact = forms.TypedChoiceField(choices=Level.choices, coerce=int)
    urgency = forms.TypedChoiceField(choices=Level.choices, coerce=int)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="Unassigned")
    tier = forms.TypedChoiceField(choices=[(1, "Tier 1"), (2, "Tier 2"), (3, "Tier 3")], coerce=int)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_choices()


class TimeForm(forms.Form):
    minutes = forms.IntegerField(min_value=1, max_value=24 * 60, help_text="Minutes worked.")
    billable = forms.BooleanField(required=False, initial=True)
    notes = forms.CharField(required=False, max_length=2000)


class TaskTimeForm(TimeForm):
    """Time on a project's task: when it started, how long, billable, a note."""

    started_at = forms.DateTimeField(label="Started at", widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    field_order = ["started_at", "minutes", "billable", "notes"]


class AssetLinkForm(forms.Form):
    asset = forms.ModelChoiceField(queryset=Asset.objects.none(), required=False, empty_label="No asset")

    def __init__(self, *args, client_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asset"].queryset = Asset.objects.filter(client_id=client_id).order_by("name")


class BulkForm(forms.Form):
    tickets = forms.TypedMultipleChoiceField(coerce=int, choices=[])
    action = forms.ChoiceField(choices=[("assign", "Assign"), ("close", "Close")])
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="—",
                                      widget=QuickSelect(attrs={"aria-label": "Bulk assignee"}))
    resolution = forms.CharField(required=False, max_length=5000, strip=True, widget=forms.TextInput(attrs={
        "aria-label": "Resolution note", "placeholder": "Resolution note (to close)"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_choices()
        self.fields["tickets"].choices = [(v, v) for v in self.data.getlist("tickets") if str(v).isdigit()]

    def clean(self):
        data = super().clean()
        if data.get("action") == "assign" and not data.get("assignee"):
            self.add_error("assignee", "Choose who to assign the tickets to.")
        # closing needs a resolution note: tickets that have none are refused one by one (change_status says why)
        return data

