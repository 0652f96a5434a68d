"""Forms for each documentation kind; the models' clean() carries the rules, the services save."""

from django import forms

from bspos.assets.models import Asset
from bspos.clients.models import Client, Contact
from bspos.documentation.models import Certificate, Domain, Licence, Network, Record, RecordType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COMMON = ["client", "notes", "shared_with_client"]


class DocumentationForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.order_by("name")
        if self.instance.pk:
            self.fields["client"].disabled = True
        client = self.data.get("client") if self.is_bound else (self.instance.client_id or self.initial.get("client"))
        client = client if str(client or "").isdigit() else None
        for name, model in (("assigned_contacts", Contact), ("assigned_assets", Asset)):
            if name in self.fields:
                self.fields[name].queryset = model.objects.filter(client_id=client) if client else model.objects.none()
        if "notes" in self.fields:
            self.fields["notes"].widget = forms.Textarea(attrs={"rows": 4})


class DomainForm(DocumentationForm):
    class Meta:
        model = Domain
        fields = ["client", "name", "registrar", "expires_on", "auto_renew", "notes", "shared_with_client"]
        widgets = {"expires_on": DATE}


class CertificateForm(DocumentationForm):
    class Meta:
        model = Certificate
        fields = ["client", "host", "port", "notes", "shared_with_client"]
        help_texts = {"host": "Issuer, subject, names and expiry are read from the server by “Check now” and daily."}


class LicenceForm(DocumentationForm):
    class Meta:
        model = Licence
        fields = ["client", "product", "vendor", "seats", "renews_on", "cost", "key_in_vault", "assigned_contacts",
                  "assigned_assets", "notes", "shared_with_client"]
        widgets = {"renews_on": DATE}


class NetworkForm(DocumentationForm):
    class Meta:
        model = Network
        fields = ["client", "name", "subnet", "vlan", "gateway", "dhcp_start", "dhcp_end", "dns_servers", "notes",
                  "shared_with_client"]


class RecordForm(DocumentationForm):
    values = forms.JSONField(required=False, initial=dict, widget=forms.Textarea(attrs={"rows": 6}),
                             help_text="The type's fields as JSON, e.g. {\"Model\": \"FortiGate 60F\"}.")

    class Meta:
        model = Record
        fields = ["client", "record_type", "name", "values", "notes", "shared_with_client"]

    def clean_values(self):
        return self.cleaned_data.get("values") or {}


class RecordTypeForm(forms.ModelForm):
    layout = forms.JSONField(widget=forms.Textarea(attrs={"rows": 8}), help_text=(
        "A list of fields: [{\"name\": \"Model\", \"kind\": \"text\"}, {\"name\": \"Mode\", \"kind\": \"choice\", "
        "\"choices\": [\"NAT\", \"Bridge\"]}]. Kinds: text, number, date, url, choice."))

    class Meta:
        model = RecordType
        fields = ["name", "layout"]


FORMS = {"domains": DomainForm, "certificates": CertificateForm, "licences": LicenceForm, "networks": NetworkForm,
         "records": RecordForm}
