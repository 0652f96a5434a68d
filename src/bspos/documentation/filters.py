"""One filter per documentation list, shared by the pages and the API."""

import django_filters

from bspos.clients.models import Client
from bspos.core.filters import FilterSet, RowFilter, SearchFilter
from bspos.documentation.models import Certificate, Domain, Licence, Network, Record, RecordType


def _client():
    return RowFilter(queryset=Client.objects.only("pk", "name"), empty_label="Any client", label="Client")


class DomainFilter(FilterSet):
    q = SearchFilter("name", "registrar", "notes", placeholder="Search name, registrar or notes")
    client = _client()

    class Meta:
        model = Domain
        fields = []


class CertificateFilter(FilterSet):
    q = SearchFilter("host", "subject", "issuer", "notes", placeholder="Search host, subject or issuer")
    client = _client()
    failing = django_filters.ChoiceFilter(choices=[("1", "Last check failed"), ("0", "Last check succeeded")],
                                          empty_label="Any check result", method="by_failing", label="Check")

    class Meta:
        model = Certificate
        fields = []

    def by_failing(self, rows, name, value):
        return rows.exclude(last_error="") if value == "1" else rows.filter(last_error="")


class LicenceFilter(FilterSet):
    q = SearchFilter("product", "vendor", "notes", placeholder="Search product, vendor or notes")
    client = _client()

    class Meta:
        model = Licence
        fields = []


class NetworkFilter(FilterSet):
    q = SearchFilter("name", "subnet", "notes", placeholder="Search name, subnet or notes")
    client = _client()

    class Meta:
        model = Network
        fields = []


class RecordFilter(FilterSet):
    q = SearchFilter("name", "notes", placeholder="Search name or notes")
    client = _client()
    record_type = RowFilter(queryset=RecordType.objects.only("pk", "name"), empty_label="Any type", label="Type")

    class Meta:
        model = Record
        fields = []


FILTERS = {"domains": DomainFilter, "certificates": CertificateFilter, "licences": LicenceFilter,
           "networks": NetworkFilter, "records": RecordFilter}
