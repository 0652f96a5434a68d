"""The ratings' filters, shared by the results page and `GET /api/v1/ratings`."""

import django_filters
from django import forms

from bspos.clients.models import Client
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
    since = django_filters.DateFilter(field_name="sent_at", lookup_expr="date__gte", label="Resolved from",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(field_name="sent_at", lookup_expr="date__lte", label="Resolved until",
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Survey
        fields = []

    def by_score(self, surveys, name, value):
        return surveys.filter(score="") if value == "none" else surveys.filter(score=value)
