from django import forms
from django.conf import settings

from bspos.people.models import time_zone_names


class ProfileForm(forms.Form):
    """The account page: the person's name, email and the zone their dates and times are shown in."""

    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    time_zone = forms.ChoiceField(required=False, help_text="Every date and time is shown in this zone.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [("", f"The MSP's ({settings.TIME_ZONE})"),
                                            *((name, name.replace("_", " ")) for name in time_zone_names())]
