"""The vCIO lists' filters: assessments (page and `GET /api/v1/assessments`) and roadmap items (the API)."""

import django_filters

from bspos.clients.models import Client
from bspos.core.filters import FilterSet, RowFilter
from bspos.vcio.models import Assessment, RoadmapItem


def clients():
    return Client.objects.order_by("name")


class AssessmentFilter(FilterSet):
    client = RowFilter(field_name="client", queryset=clients(), label="Client", empty_label="All clients")
    status = django_filters.ChoiceFilter(choices=Assessment.Status.choices, label="Status", empty_label="Any status")

    class Meta:
        model = Assessment
        fields = ["client", "status"]


class RoadmapFilter(FilterSet):
    client = RowFilter(field_name="client", queryset=clients(), label="Client", empty_label="All clients")
    status = django_filters.ChoiceFilter(choices=RoadmapItem.Status.choices, label="Status",
                                         empty_label="Any status")

    class Meta:
        model = RoadmapItem
        fields = ["client", "status"]
