"""The forms of the SLA plan pages: they parse what was typed; sla.services validates and saves."""

from django import forms
from django.core.exceptions import ValidationError

from bspos.people.models import STAFF_ROLES, User
from bspos.sla.models import BusinessCalendar, Clock, Priority, RaisePriority, SlaPlan


def _staff():
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by("first_name", "username")


class PlanForm(forms.Form):
    """A plan's settings and its four per-priority targets (business minutes)."""

    name = forms.CharField(max_length=100)
    calendar = forms.ModelChoiceField(queryset=BusinessCalendar.objects.all(), empty_label=None)
    at_risk_percent = forms.IntegerField(label="At risk at (%)", min_value=1, max_value=99, initial=75)
    remind_after_days = forms.IntegerField(
        label="Remind the contact after (business days)", min_value=1, max_value=60, required=False,
        help_text="Waiting on the client with no reply this long: the contact gets a reminder. Empty: no reminder.")
    resolve_after_days = forms.IntegerField(
        label="Then resolve after (more business days)", min_value=1, max_value=60, required=False,
        help_text="So many business days after the reminder (or after the wait began, without one) the ticket is "
                  "resolved with a public note. Empty: keep waiting.")

    def __init__(self, *args, plan: SlaPlan | None = None, **kwargs):
        if plan is not None and not args and "data" not in kwargs:
            kwargs["initial"] = {"name": plan.name, "calendar": plan.calendar_id,
                                 "at_risk_percent": plan.at_risk_percent,
                                 "remind_after_days": plan.remind_after_days,
                                 "resolve_after_days": plan.resolve_after_days}
            for target in plan.targets.all():
                kwargs["initial"][f"p{target.priority}_first_response"] = target.first_response_minutes
                kwargs["initial"][f"p{target.priority}_resolution"] = target.resolution_minutes
        super().__init__(*args, **kwargs)
        for priority, label in Priority.choices:
            self.fields[f"p{priority}_first_response"] = forms.IntegerField(
                label=f"{label}: first response (min)", min_value=1, max_value=2**31 - 1, required=False)
            self.fields[f"p{priority}_resolution"] = forms.IntegerField(
                label=f"{label}: resolution (min)", min_value=1, max_value=2**31 - 1, required=False)

    def setting_fields(self):
        return [self[name] for name in ("name", "calendar", "at_risk_percent", "remind_after_days",
                                        "resolve_after_days")]

    def target_rows(self):
        return [(label, self[f"p{priority}_first_response"], self[f"p{priority}_resolution"])
                for priority, label in Priority.choices]

    def clean(self):
        data = super().clean()
        for priority, label in Priority.choices:
            first, resolution = data.get(f"p{priority}_first_response"), data.get(f"p{priority}_resolution")
            if (first is None) != (resolution is None) and f"p{priority}_first_response" not in self.errors:
                raise ValidationError(f"{label}: give both a first-response and a resolution target, or neither.")
        return data

    def plan_fields(self) -> dict:
        data = self.cleaned_data
        targets = [{"priority": priority, "first_response_minutes": data[f"p{priority}_first_response"],
                    "resolution_minutes": data[f"p{priority}_resolution"]}
                   for priority in Priority.values if data.get(f"p{priority}_first_response") is not None]
        return {"name": data["name"], "calendar": data["calendar"], "at_risk_percent": data["at_risk_percent"],
                "remind_after_days": data["remind_after_days"], "resolve_after_days": data["resolve_after_days"],
                "targets": targets}


STAFF_ONLY = {"invalid_choice": "Choose an active member of staff."}


class RuleForm(forms.Form):
    target = forms.ChoiceField(choices=Clock.choices, initial=Clock.RESOLUTION)
    percent = forms.IntegerField(label="At (% of the target used)", min_value=1, max_value=100,
                                 error_messages={"min_value": "The percentage must be between 1 and 100.",
                                                 "max_value": "The percentage must be between 1 and 100."})
    notify_assignee = forms.BooleanField(required=False)
    notify_managers = forms.BooleanField(label="Notify the service managers", required=False)
    notify_user = forms.ModelChoiceField(queryset=_staff(), required=False, empty_label="Nobody else",
                                         label="Also notify", error_messages=STAFF_ONLY)
    reassign_to = forms.ModelChoiceField(queryset=_staff(), required=False, empty_label="Keep the assignee",
                                         label="Reassign to", error_messages=STAFF_ONLY)
    raise_priority = forms.ChoiceField(choices=RaisePriority.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notify_user"].queryset = self.fields["reassign_to"].queryset = _staff()
