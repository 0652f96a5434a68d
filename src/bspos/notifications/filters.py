"""The notifications list's filters, shared by the page and the API."""

import django_filters
from django import forms

from bspos.core.filters import FilterSet, SearchFilter
from bspos.notifications.models import Event, Notification


class NotificationFilter(FilterSet):
    q = SearchFilter("text", placeholder="Search notifications")
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label="Unread (true) or read (false)",
        widget=forms.Select(choices=[("", "Read and unread"), ("true", "Unread"), ("false", "Read")]))
    event = django_filters.ChoiceFilter(choices=Event.choices, empty_label="Any event")

    class Meta:
        model = Notification
        fields: list[str] = []
