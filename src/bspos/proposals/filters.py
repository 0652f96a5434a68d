"""One filter per proposals list, shared by the page and the API."""

import django_filters

from bspos.core.filters import FilterSet, SearchFilter
from bspos.proposals.models import Proposal, Status


class ProposalFilter(FilterSet):
    q = SearchFilter("title", "company", "contact_name", placeholder="Search proposals")
    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="Every status", label="Status")

    class Meta:
        model = Proposal
        fields = []
