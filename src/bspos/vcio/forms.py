from django import forms

from bspos.core.dates import fiscal_quarter_start
from bspos.vcio.matrix import parties_of
from bspos.vcio.models import Party, RoadmapItem


class RoadmapItemForm(forms.ModelForm):
    class Meta:
        model = RoadmapItem
        fields = ["area", "title", "problem", "priority", "quarter", "one_time", "monthly", "owner", "status"]
        widgets = {"quarter": forms.DateInput(attrs={"type": "date"}), "problem": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"quarter": "Any day of the quarter (the client's fiscal quarters); it is stored as the "
                                 "quarter's first day."}

    def __init__(self, *args, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["owner"].queryset = Party.objects.filter(pk__in=[p.pk for p in parties_of(client)]) \
            if client is not None else Party.objects.none()

    def clean_quarter(self):
        start_month = self.client.fiscal_year_start if self.client is not None else 1
        return fiscal_quarter_start(self.cleaned_data["quarter"], start_month)

    def clean(self):
        data = super().clean()
        for name in ("one_time", "monthly"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, "An investment cannot be negative.")
        return data
