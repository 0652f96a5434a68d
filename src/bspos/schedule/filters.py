"""One FilterSet per schedule list: the board's people, and the entries the API lists."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q
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
    task = IdFilter(field_name="task_id", label="Project task (id)")
    project = IdFilter(field_name="task__project_id", label="Project (id) of the task")
    client = IdFilter(method="for_client", label="Client (id) of the ticket or project")
    location = django_filters.ChoiceFilter(choices=Location.choices, label="On site or remote")
    internal = django_filters.BooleanFilter(method="is_internal", label="Internal work only (no ticket or task)",
                                            widget=forms.NullBooleanSelect)
    from_day = django_filters.DateFilter(method="ending_from", label="Overlapping this day or later (YYYY-MM-DD)")
    to_day = django_filters.DateFilter(method="starting_by", label="Overlapping this day or earlier (YYYY-MM-DD)")

    class Meta:
        model = ScheduleEntry
        fields = []

    def for_client(self, queryset, name, value):
        return queryset.filter(Q(ticket__client_id=value) | Q(task__project__client_id=value))

    def is_internal(self, queryset, name, value):
        internal = Q(ticket__isnull=True, task__isnull=True)
        return queryset.filter(internal if value else ~internal)

    def ending_from(self, queryset, name, value):
        return queryset.filter(ends_at__gt=_day_start(value))

    def starting_by(self, queryset, name, value):
        return queryset.filter(starts_at__lt=_day_start(value + timedelta(days=1)))
