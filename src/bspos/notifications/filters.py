"""The notifications list's filters, shared by the page and the API (`?unread=true`)."""

import django_filters
from django.db.models import QuerySet

from bspos.core.filters import FilterSet, SearchFilter
from bspos.notifications.models import Event, Notification


class NotificationFilter(FilterSet):
    q = SearchFilter("text", placeholder="Search notifications")
    unread = django_filters.ChoiceFilter(label="Unread", choices=[("true", "Unread"), ("false", "Read")],
                                         empty_label="Read and unread", method="filter_unread")
    event = django_filters.ChoiceFilter(choices=Event.choices, empty_label="Any event")

    class Meta:
        model = Notification
        fields: list[str] = []

    def filter_unread(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(read_at__isnull=value == "true")
