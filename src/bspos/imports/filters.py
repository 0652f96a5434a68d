"""The filters of the past-imports list."""

import django_filters

from bspos.core.filters import FilterSet
from bspos.imports.models import ImportRun
from bspos.imports.services import KINDS


class ImportRunFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=[(name, name) for name in KINDS], empty_label="All kinds",
                                       label="Kind")
    status = django_filters.ChoiceFilter(choices=ImportRun.Status.choices, empty_label="Any status", label="Status")

    class Meta:
        model = ImportRun
        fields = []
