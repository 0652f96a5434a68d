"""The sales funnel's lead list filters (the owner's funnel page)."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from bspos.core.filters import FilterSet, SearchFilter
from bspos.scorecard.models import Opportunity

STATES = {"open": Q(excitement_on__isnull=True, lost_on__isnull=True), "won": Q(excitement_on__isnull=False),
          "lost": Q(lost_on__isnull=False), "all": Q()}


class OpportunityFilter(FilterSet):
    q = SearchFilter("name", placeholder="Company")
    state = django_filters.ChoiceFilter(choices=[("open", "Open"), ("won", "Won"), ("lost", "Lost"), ("all", "All")],
                                        method="by_state", label="State", initial="open", empty_label=None)

    class Meta:
        model = Opportunity
        fields = ["q", "state"]

    def by_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(STATES[value])


class WindowForm(forms.Form):
    """The owner page's window: the last 3, 6 or 12 complete months."""

    months = forms.TypedChoiceField(choices=[(3, "3 months"), (6, "6 months"), (12, "12 months")], coerce=int,
                                    required=False)

    def size(self) -> int:
        return (self.cleaned_data.get("months") or 12) if self.is_valid() else 12
