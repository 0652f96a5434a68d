"""One filter per documentation list, shared by the pages and the API."""

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db.models import Q

from bspos.clients.models import Client
from bspos.core.filters import FilterSet, RowFilter, SearchFilter
from bspos.documentation.models import (
    RELATABLE,
    Certificate,
    Domain,
    Licence,
    Network,
    Record,
    RecordType,
    Relation,
)


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


class RelationFilter(FilterSet):
    client = _client()
    record = django_filters.CharFilter(
        method="by_record", label="Record (kind:id, e.g. asset:12)", max_length=40,
        validators=[RegexValidator(rf"^({'|'.join(RELATABLE)}):[1-9][0-9]{{0,17}}$",
                                   f"Name a record as kind:id, the kind one of {', '.join(RELATABLE)}.")])

    class Meta:
        model = Relation
        fields = []

    def by_record(self, rows, name, value):
        kind, _, pk = value.partition(":")
        content_type = ContentType.objects.get_for_model(RELATABLE[kind])
        return rows.filter(Q(a_type=content_type, a_id=int(pk)) | Q(b_type=content_type, b_id=int(pk)))


FILTERS = {"domains": DomainFilter, "certificates": CertificateFilter, "licences": LicenceFilter,
           "networks": NetworkFilter, "records": RecordFilter}
