"""The portal's ticket list filter (open only, or all), shared with nothing else but written like every list's."""

import django_filters
from django.db.models import QuerySet

from bspos.core.filters import FilterSet
from bspos.servicedesk.models import Status, Ticket


class PortalTicketFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=[("open", "Open only")], empty_label="All", method="only_open",
                                         label="Status")

    class Meta:
        model = Ticket
        fields: list[str] = []

    def only_open(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.exclude(status__in=[Status.RESOLVED, Status.CLOSED])
