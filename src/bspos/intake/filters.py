"""The intake lists' filters, each shared by its page and (alerts) the API list: one FilterSet per list."""

import django_filters
from django.db.models import QuerySet

from bspos.clients.models import Client
from bspos.core.filters import FilterSet, RowFilter, SearchFilter
from bspos.intake.models import Alert, AlertSource, Delivery, Event, Subscription

ASSIGNED = [("true", "Unassigned only"), ("false", "With a client")]


class AlertFilter(FilterSet):
    """Received alerts; `?unassigned=true` is the unassigned queue."""

    q = SearchFilter("title", "host", "fingerprint", "client__name", placeholder="Title, host, key or client")
    unassigned = django_filters.ChoiceFilter(label="Queue", choices=ASSIGNED, empty_label="All alerts",
                                             method="filter_unassigned")
    state = django_filters.ChoiceFilter(choices=Alert.State.choices, empty_label="Any state")
    source = RowFilter(queryset=AlertSource.objects.only("pk", "name").order_by("name"), empty_label="Any source")
    client = RowFilter(queryset=Client.objects.only("pk", "name").order_by("name"), empty_label="Any client")

    class Meta:
        model = Alert
        fields: list[str] = []

    def filter_unassigned(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(client__isnull=value == "true")

    @property
    def unassigned_queue(self) -> bool:
        """Whether the list is the unassigned queue (the page's title says so)."""
        self.is_valid()  # cleans the form; the valid filters count even when another one is ignored
        return self.form.cleaned_data.get("unassigned") == "true"


class SourceFilter(FilterSet):
    q = SearchFilter("name", placeholder="Source name")
    kind = django_filters.ChoiceFilter(choices=AlertSource.Kind.choices, empty_label="Any kind")
    is_active = django_filters.ChoiceFilter(label="Active", choices=[("true", "Enabled"), ("false", "Disabled")],
                                            empty_label="Enabled or disabled", method="filter_active")

    class Meta:
        model = AlertSource
        fields: list[str] = []

    def filter_active(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(is_active=value == "true")


class DeliveryFilter(FilterSet):
    """The webhook delivery log."""

    q = SearchFilter("delivery_id", "last_error", placeholder="Delivery id or error")
    state = django_filters.ChoiceFilter(choices=Delivery.State.choices, empty_label="Any state")
    event = django_filters.ChoiceFilter(choices=Event.choices, empty_label="Any event")
    subscription = RowFilter(queryset=Subscription.objects.only("pk", "name"), empty_label="Any subscription")

    class Meta:
        model = Delivery
        fields: list[str] = []
