"""One FilterSet per schedule list: the board's people, and the entries the API lists."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.utils import timezone

from bspos.core.filters import FilterSet, IdFilter, SearchFilter
from bspos.people.models import User
from bspos.schedule.models import Location, ScheduleEntry


class BoardFilter(FilterSet):
    q = SearchFilter("first_name", "last_name", "username", placeholder="Find a technician")
    tier = django_filters.ChoiceFilter(choices=[(1, "Tier 1"), (2, "Tier 2"), (3, "Tier 3")], empty_label="Every tier",
                                       label="Tier")

    class Meta:
        model = User
        fields = []


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


class ScheduleEntryFilter(FilterSet):
    technician = IdFilter(field_name="technician_id", label="Technician (user id)")
    ticket = IdFilter(field_name="ticket__number", label="Ticket number")
    client = IdFilter(field_name="ticket__client_id", label="Client (id) of the ticket")
    location = django_filters.ChoiceFilter(choices=Location.choices, label="On site or remote")
    internal = django_filters.BooleanFilter(field_name="ticket", lookup_expr="isnull", label="Internal work only",
                                            widget=forms.NullBooleanSelect)
    from_day = django_filters.DateFilter(method="ending_from", label="Overlapping this day or later (YYYY-MM-DD)")
    to_day = django_filters.DateFilter(method="starting_by", label="Overlapping this day or earlier (YYYY-MM-DD)")

    class Meta:
        model = ScheduleEntry
        fields = []

    def ending_from(self, queryset, name, value):
        return queryset.filter(ends_at__gt=_day_start(value))

    def starting_by(self, queryset, name, value):
        return queryset.filter(starts_at__lt=_day_start(value + timedelta(days=1)))
