"""The recurring tickets' filters, shared by the list page and `GET /api/v1/recurring-tickets`."""

import django_filters

from bspos.clients.models import Client
from bspos.core.filters import FilterSet, RowFilter, SearchFilter
from bspos.recurring.models import RecurringTicket


class RecurringTicketFilter(FilterSet):
    q = SearchFilter("subject", "description", placeholder="Search subject or description")
    client = RowFilter(queryset=Client.objects.only("pk", "name"), empty_label="Any client", label="Client")
    paused = django_filters.ChoiceFilter(choices=[("1", "Paused"), ("0", "Running")], empty_label="Paused or not",
                                         method="by_paused", label="Paused")
    ended = django_filters.ChoiceFilter(choices=[("0", "Not ended"), ("1", "Ended")], empty_label="Ended or not",
                                        method="by_ended", label="Ended", initial="0")

    class Meta:
        model = RecurringTicket
        fields = []

    def by_paused(self, templates, name, value):
        return templates.filter(paused=value == "1")

    def by_ended(self, templates, name, value):
        return templates.filter(ended_at__isnull=value != "1")
