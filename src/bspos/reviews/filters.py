"""The cadence list's filters, shared by the reviews page and `GET /api/v1/reviews`."""

import django_filters
from django import forms

from bspos.core.filters import FilterSet, IdFilter, RowFilter, SearchFilter
from bspos.people.models import Role, User
from bspos.reviews.models import Review

SHOWS = [("overdue", "Overdue"), ("due", "Due in 30 days"), ("scheduled", "Scheduled"), ("held", "Held (90 days)"),
         ("missed", "Missed (a year)"), ("planned", "All planned")]


def vcios():
    return User.objects.filter(is_active=True, role__in=[Role.VCIO, Role.OWNER]).order_by("first_name", "username")


class ReviewFilter(FilterSet):
    q = SearchFilter("client__name", placeholder="Client name")
    vcio = RowFilter(field_name="vcio", queryset=vcios(), label="vCIO", empty_label="Every vCIO")
    client = IdFilter(field_name="client_id", label="Client", widget=forms.HiddenInput)
    # Which cadence list: chosen by the page's tabs; `selectors.cadence_list` applies it (with today's date).
    show = django_filters.ChoiceFilter(choices=SHOWS, method="keep", label="List", widget=forms.HiddenInput)

    class Meta:
        model = Review
        fields = ["q", "vcio", "client", "show"]

    def keep(self, queryset, name, value):
        return queryset

    @property
    def show_value(self) -> str:
        """The valid list asked for, or "" (then the page or API picks its default)."""
        if self.is_bound and "show" not in self.errors:  # validating the form; an invalid value is ignored
            return self.form.cleaned_data.get("show") or ""
        return ""
