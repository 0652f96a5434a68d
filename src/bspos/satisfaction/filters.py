"""The ratings' filters, shared by the results page and `GET /api/v1/ratings`."""

import django_filters
from django import forms

from bspos.clients.models import Client
from bspos.core.dates import day_span
from bspos.core.filters import FilterSet, RowFilter, SearchFilter
from bspos.people.models import STAFF_ROLES, User
from bspos.satisfaction.models import Score, Survey


class RatingFilter(FilterSet):
    q = SearchFilter("ticket__subject", "comment", placeholder="Search subject or comment")
    client = RowFilter(field_name="ticket__client", queryset=Client.objects.only("pk", "name"),
                       empty_label="Any client", label="Client")
    technician = RowFilter(queryset=User.objects.filter(role__in=STAFF_ROLES).only("pk", "username"),
                           empty_label="Any technician", label="Technician")
    score = django_filters.ChoiceFilter(choices=[*Score.choices, ("none", "No answer yet")],
                                        empty_label="Any answer", label="Rating", method="by_score")
    since = django_filters.DateFilter(method="resolved_from", label="Resolved from",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(method="resolved_until", label="Resolved until",
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Survey
        fields = []

    # Whole days in the MSP's zone, as a range on the indexed column (no per-row date conversion).
    def resolved_from(self, surveys, name, value):
        return surveys.filter(sent_at__gte=day_span(value, value)[0])

    def resolved_until(self, surveys, name, value):
        return surveys.filter(sent_at__lt=day_span(value, value)[1])

    def by_score(self, surveys, name, value):
        return surveys.filter(score="") if value == "none" else surveys.filter(score=value)
