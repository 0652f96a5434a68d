"""The agreement list's filters, shared by the page, its CSV export and `GET /api/v1/agreements`.

The pricing-guard flag is money's (it needs the guard's figures): `money.filters.PricedAgreementFilter` adds it
for the people who may see prices."""

import django_filters
from django import forms
from django.utils import timezone

from bspos.agreements.models import Agreement, AgreementKind
from bspos.clients.models import Client
from bspos.core.filters import FilterSet, RowFilter, SearchFilter

IN_FORCE_TODAY = "1"


class AgreementFilter(FilterSet):
    q = SearchFilter("client__name", "name", placeholder="Client or agreement")
    kind = django_filters.ChoiceFilter(choices=AgreementKind.choices, empty_label="Any kind")
    client = RowFilter(queryset=Client.objects.order_by("name"), empty_label="Any client")
    active = django_filters.ChoiceFilter(label="In force", choices=[(IN_FORCE_TODAY, "In force today"),
                                                                    ("0", "All, past and future too")],
                                         empty_label=None, initial=IN_FORCE_TODAY, method="filter_active")
    active_on = django_filters.DateFilter(label="In force on", method="filter_active_on",
                                          widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Agreement
        fields = ["q", "kind", "client", "active", "active_on"]

    def filter_active(self, queryset, name, value):
        """In force today unless asked for all, or for another day (`active_on`)."""
        if value != IN_FORCE_TODAY or self.form.cleaned_data.get("active_on"):
            return queryset
        return queryset.in_force(timezone.localdate())

    def filter_active_on(self, queryset, name, value):
        return queryset.in_force(value) if value else queryset
