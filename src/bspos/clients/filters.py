"""The filters of the client, contact and site lists: one FilterSet each, shared by the page, its CSV export and
the API list endpoint."""

import django_filters

from bspos.clients.models import Client, ClientStatus, Contact, ServiceTier, Site
from bspos.core.filters import FilterSet, RowFilter, SearchFilter


class ClientFilter(FilterSet):
    q = SearchFilter("name", "vertical", placeholder="Search name or vertical")
    status = django_filters.ChoiceFilter(choices=ClientStatus.choices, empty_label="Any status", label="Status")
    tier = django_filters.ChoiceFilter(field_name="service_tier", choices=ServiceTier.choices,
                                       empty_label="Any tier", label="Tier")

    class Meta:
        model = Client
        fields = []


class ContactFilter(FilterSet):
    client = RowFilter(queryset=Client.objects.only("pk", "name"), empty_label="Any client", label="Client")
    q = SearchFilter("first_name", "last_name", "email", placeholder="Search name or email")
    active = django_filters.BooleanFilter(field_name="is_active", label="Active")

    class Meta:
        model = Contact
        fields = []


class SiteFilter(FilterSet):
    client = RowFilter(queryset=Client.objects.only("pk", "name"), empty_label="Any client", label="Client")
    q = SearchFilter("name", "city", placeholder="Search name or city")

    class Meta:
        model = Site
        fields = []
