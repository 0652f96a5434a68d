"""The credential list's filters, shared by the client's vault page and `GET /api/v1/credentials`."""

import django_filters

from bspos.clients.models import Client
from bspos.core.filters import FilterSet, RowFilter, SearchFilter
from bspos.vault.models import Credential, Folder


class CredentialFilter(FilterSet):
    q = SearchFilter("name", "username", "url", "tags", placeholder="Search name, username, URL or tag")
    client = RowFilter(queryset=Client.objects.only("pk", "name"), empty_label="Any client", label="Client")
    folder = RowFilter(queryset=Folder.objects.only("pk", "name"), empty_label="Any folder", label="Folder")
    tag = django_filters.CharFilter(method="by_tag", label="Tag", max_length=50)
    weak = django_filters.ChoiceFilter(choices=[("1", "Weak (score 0–2)")], empty_label="Any strength",
                                       method="by_weak", label="Strength")

    class Meta:
        model = Credential
        fields = []

    def by_tag(self, credentials, name, value):
        return credentials.filter(tags__icontains=value.strip()) if value.strip() else credentials

    def by_weak(self, credentials, name, value):
        return credentials.filter(strength__lte=2)
