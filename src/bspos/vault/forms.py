from django import forms

from bspos.assets.models import Asset
from bspos.clients.models import Client, Contact
from bspos.servicedesk.models import Ticket
from bspos.vault.importers import FORMATS
from bspos.vault.models import Credential, Folder


class CredentialForm(forms.ModelForm):
    secret = forms.CharField(widget=forms.PasswordInput(render_value=False), required=False, max_length=5000,
                             help_text="Stored encrypted; leave blank to keep the stored secret.")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=20000,
                            help_text="Encrypted like the secret; leave blank to keep the stored notes.")
    totp_seed = forms.CharField(label="TOTP seed", required=False, max_length=500,
                                widget=forms.PasswordInput(render_value=False),
                                help_text="Base32 or an otpauth:// link; leave blank to keep the stored seed.")
    new_folder = forms.CharField(required=False, max_length=100, label="Or a new folder")

    class Meta:
        model = Credential
        fields = ["name", "username", "url", "folder", "tags", "shared_with_client", "assets", "contacts",
                  "tickets"]

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["folder"].queryset = Folder.objects.filter(client=client)
        self.fields["assets"].queryset = Asset.objects.filter(client=client).order_by("name")
        self.fields["contacts"].queryset = Contact.objects.filter(client=client)
        self.fields["tickets"].queryset = Ticket.objects.filter(client=client).order_by("-number")
        if self.instance.pk is None:
            self.fields["secret"].required = True
            self.fields["secret"].help_text = "Stored encrypted."
            self.fields["notes"].help_text = "Encrypted like the secret."
            self.fields["totp_seed"].help_text = "Base32 or an otpauth:// link."


class ShareForm(forms.Form):
    EXPIRY = [("30", "30 minutes"), ("240", "4 hours"), ("1440", "1 day"), ("10080", "7 days"), ("43200", "30 days")]
    expires_in = forms.TypedChoiceField(choices=EXPIRY, coerce=int, initial="1440", label="Expires after")
    max_views = forms.IntegerField(min_value=1, max_value=100, initial=1, label="Views allowed")
    passphrase = forms.CharField(required=False, max_length=200, widget=forms.PasswordInput,
                                 help_text="Optional: tell it to the recipient another way.")


class ImportForm(forms.Form):
    client = forms.ModelChoiceField(queryset=Client.objects.order_by("name"))
    kind = forms.ChoiceField(choices=list(FORMATS.items()), label="Format")
    file = forms.FileField(help_text="ITFlow or IT Glue CSV export, or an unencrypted Bitwarden JSON export")
