"""The project list's filters, shared by the page and `GET /api/v1/projects` (bad values shown, never queried)."""

import django_filters

from bspos.clients.models import Client
from bspos.core.filters import FilterSet, RowFilter, SearchFilter
from bspos.people.models import STAFF_ROLES, User
from bspos.projects.models import OPEN_STATUSES, BillingTerms, Health, Project, ProjectStatus

STATE_CHOICES = [("open", "Open (planned, in progress, on hold)"), *ProjectStatus.choices]


class ProjectFilter(FilterSet):
    q = SearchFilter("name", "client__name", "description", placeholder="Search project or client")
    client = RowFilter(queryset=Client.objects.only("pk", "name"), empty_label="Any client", label="Client")
    status = django_filters.ChoiceFilter(choices=STATE_CHOICES, empty_label="Any status", label="Status",
                                         method="in_state", initial="open")
    health = django_filters.ChoiceFilter(choices=Health.choices, empty_label="Any health", label="Health")
    billing = django_filters.ChoiceFilter(choices=BillingTerms.choices, empty_label="Any terms", label="Billing")
    manager = RowFilter(queryset=User.objects.filter(role__in=STAFF_ROLES).only("pk", "username"),
                        empty_label="Any manager", label="Manager")

    class Meta:
        model = Project
        fields = []

    def in_state(self, projects, name, value):
        if value == "open":
            return projects.filter(status__in=OPEN_STATUSES)
        return projects.filter(status=value) if value else projects
