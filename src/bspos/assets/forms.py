"""The forms of the asset pages; the rules are the model's and assets.services' (refusals land on the form)."""

from django import forms
from django.utils import timezone

from bspos.assets.models import Asset
from bspos.clients.forms import DAY
from bspos.clients.models import Client, Site


class AssetForm(forms.ModelForm):
    """A new asset of a client (prefilled from the client's page) or an asset's details."""

    class Meta:
        model = Asset
        fields = ["client", "name", "asset_type", "site", "manufacturer", "model", "serial_number", "operating_system",
                  "rmm_id", "purchased_on", "warranty_expires", "lifecycle", "notes"]
        widgets = {"purchased_on": DAY, "warranty_expires": DAY, "notes": forms.Textarea(attrs={"rows": 4})}
        labels = {"warranty_expires": "Warranty until", "purchased_on": "Purchased on"}

    def __init__(self, *args, client: Client | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # an asset stays with its client
            del self.fields["client"]
        else:
            self.fields["client"].queryset = Client.objects.only("pk", "name")
        self.fields["site"].queryset = Site.objects.filter(client=client) if client else Site.objects.none()
        self.fields["site"].label_from_instance = lambda site: site.name
        self.fields["site"].help_text = "" if client else "Choose the client first to pick one of its sites."


class RetireForm(forms.Form):
    on = forms.DateField(label="Retired on", widget=DAY)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())
