from bspos.core.filters import FilterSet, SearchFilter
from bspos.sla.models import SlaPlan


class PlanFilter(FilterSet):
    q = SearchFilter("name", placeholder="Plan name")

    class Meta:
        model = SlaPlan
        fields: list[str] = []
