"""One filter per foundation list, shared by the page and the API."""

import django_filters

from bspos.core.filters import FilterSet, SearchFilter
from bspos.foundation.models import Solution


class SolutionFilter(FilterSet):
    q = SearchFilter("name", "outcome", "icp__name", placeholder="Search solutions")
    is_active = django_filters.BooleanFilter(label="Active")

    class Meta:
        model = Solution
        fields = []
