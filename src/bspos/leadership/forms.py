from django import forms

from bspos.leadership.models import Conversation, Goal, Hat, Metric, Rock
from bspos.people.models import STAFF_ROLES, User


def _staff():
    return User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("first_name", "username")


class HatForm(forms.ModelForm):
    class Meta:
        model = Hat
        fields = ["name", "owner", "responsibilities", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _staff()


class MetricForm(forms.ModelForm):
    class Meta:
        model = Metric
        fields = ["hat", "name", "live", "target", "direction"]


class RockForm(forms.ModelForm):
    class Meta:
        model = Rock
        fields = ["quarter", "title", "owner"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _staff()


class RockEditForm(forms.ModelForm):
    class Meta:
        model = Rock
        fields = ["title", "owner"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _staff()


class SolveForm(forms.Form):
    decision = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    todo = forms.CharField(required=False, max_length=200, label="To-do")
    owner = forms.ModelChoiceField(queryset=_staff(), required=False)
    due_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("todo") and not (data.get("owner") and data.get("due_on")):
            raise forms.ValidationError("A to-do needs an owner and a due date.")
        return data


class ConversationForm(forms.ModelForm):
    class Meta:
        model = Conversation
        fields = ["held_on", "person_working", "manager_working", "person_not_working", "manager_not_working",
                  "person_values", "manager_values"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}
        widgets.update({name: forms.Textarea(attrs={"rows": 3}) for name in fields[1:]})


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["text", "live", "target", "direction"]
