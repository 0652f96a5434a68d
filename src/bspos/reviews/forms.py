from django import forms

from bspos.people.models import Role, User
from bspos.reviews.models import NextStep, Recommendation, Review


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(label="Meeting", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                       help_text="In your time zone; the meeting lasts 60 minutes.")
    location = forms.CharField(max_length=200, required=False, help_text="Room, address or video link.")
    vcio = forms.ModelChoiceField(label="vCIO", required=False, queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vcio"].queryset = User.objects.filter(is_active=True, role__in=[Role.VCIO, Role.OWNER]) \
            .order_by("first_name", "username")


class HoldForm(forms.Form):
    held_on = forms.DateField(label="Held on", widget=forms.DateInput(attrs={"type": "date"}))


class AgendaForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["business_goals", "business_challenges", "observations"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["title", "area", "business_problem", "roi", "roi_basis", "one_time", "monthly", "quarter"]
        widgets = {"quarter": forms.DateInput(attrs={"type": "date"}),
                   "business_problem": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"quarter": "Any day of the quarter it should happen in (saved as the quarter's first day)."}


class NextStepForm(forms.ModelForm):
    class Meta:
        model = NextStep
        fields = ["description", "owner", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}
