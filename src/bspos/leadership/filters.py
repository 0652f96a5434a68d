"""One filter per leadership list, shared by the pages (bad values are shown, never queried)."""

import django_filters

from bspos.core.filters import FilterSet, SearchFilter
from bspos.leadership.models import Conversation, Decision


class DecisionFilter(FilterSet):
    q = SearchFilter("text", "issue__title", placeholder="Search decisions")

    class Meta:
        model = Decision
        fields = []


class ConversationFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=Conversation.Kind.choices, empty_label="Every kind", label="Kind")

    class Meta:
        model = Conversation
        fields = []
