from django import forms

from bspos.notifications.models import Event

CHANNELS = ("in_app", "email")


class PreferencesForm(forms.Form):
    """One checkbox per event and channel (`assigned_in_app`, `assigned_email`, …)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for event in Event:
            for channel in CHANNELS:
                self.fields[f"{event.value}_{channel}"] = forms.BooleanField(
                    required=False, label=f"{event.label}: {'in the app' if channel == 'in_app' else 'by email'}")

    @classmethod
    def initial_from(cls, preferences: dict[str, tuple[bool, bool]]) -> dict[str, bool]:
        return {f"{event}_{channel}": on for event, channels in preferences.items()
                for channel, on in zip(CHANNELS, channels, strict=True)}

    def rows(self):
        """(event label, in-app field, email field) per event, for the table."""
        return [(event.label, self[f"{event.value}_in_app"], self[f"{event.value}_email"]) for event in Event]

    def choices(self) -> dict[str, tuple[bool, bool]]:
        return {event.value: tuple(self.cleaned_data[f"{event.value}_{channel}"] for channel in CHANNELS)
                for event in Event}
