"""The knowledge lists' filters, each shared by its page and its API list: articles, problems, checklist runs and
the recurring-problems report."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from bspos.clients.models import Client
from bspos.core.filters import FilterSet, RowFilter, SearchFilter
from bspos.knowledge.models import Article, ArticleKind, ChecklistKind, ChecklistRun, Problem
from bspos.people.models import STAFF_ROLES, User
from bspos.servicedesk.models import Category, Ticket

YES_NO = [("true", "Yes"), ("false", "No")]
RECURRING_DAYS, RECURRING_TICKETS = 90, 3  # the report's defaults: three tickets in ninety days


class WholeNumberFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def clients():
    return Client.objects.order_by("name")


def _clients_or_global():
    return [("global", "Global only"), *((str(pk), name) for pk, name in clients().values_list("pk", "name"))]


class ArticleFilter(FilterSet):
    q = SearchFilter("title", "body", placeholder="Title or text")
    kind = django_filters.ChoiceFilter(choices=ArticleKind.choices, label="Kind", empty_label="All kinds")
    category = django_filters.ChoiceFilter(choices=Category.choices, label="Category", empty_label="All categories")
    # An article is about one client or global (no client): `global` picks the global ones.
    client = django_filters.ChoiceFilter(choices=_clients_or_global, method="by_client", label="Client",
                                         empty_label="Global and client-specific")
    past_review = django_filters.BooleanFilter(method="by_past_review", label="Past review date",
                                               widget=forms.Select(choices=[("", "Any review date"), *YES_NO]))
    published = django_filters.BooleanFilter(label="Published to clients",
                                             widget=forms.Select(choices=[("", "Published or not"), *YES_NO]))

    class Meta:
        model = Article
        fields = ["q", "kind", "category", "client", "past_review", "published"]

    def by_client(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(client__isnull=True) if value == "global" else queryset.filter(client_id=int(value))

    def by_past_review(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        past = Q(review_on__lt=timezone.localdate())
        return queryset.filter(past if value else ~past)


class PortalArticleFilter(FilterSet):
    """The portal's article list: search only (a contact's articles are few)."""

    q = SearchFilter("title", "body", placeholder="Search articles")

    class Meta:
        model = Article
        fields = ["q"]


class ProblemFilter(FilterSet):
    q = SearchFilter("title", "clarify", placeholder="Title or Clarify text")
    status = django_filters.ChoiceFilter(choices=Problem.Status.choices, label="Status", empty_label="All statuses")
    client = RowFilter(field_name="client", queryset=clients(), label="Client", empty_label="All clients")

    class Meta:
        model = Problem
        fields = ["q", "status", "client"]


class ChecklistRunFilter(FilterSet):
    q = SearchFilter("title", placeholder="Title")
    kind = django_filters.ChoiceFilter(choices=ChecklistKind.choices, label="Kind", empty_label="All kinds")
    state = django_filters.ChoiceFilter(choices=[("open", "Open"), ("done", "Done")], method="by_state",
                                        label="State", empty_label="Open and done")
    client = RowFilter(field_name="client", queryset=clients(), label="Client", empty_label="Any client")
    person = RowFilter(field_name="person", queryset=User.objects.filter(role__in=STAFF_ROLES).order_by("username"),
                       label="Person", empty_label="Anybody")

    class Meta:
        model = ChecklistRun
        fields = ["q", "kind", "state", "client", "person"]

    def by_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(completed_at__isnull=value == "open")


class RecurringFilter(FilterSet):
    """The tickets the recurring-problems report groups: opened in the last `days`, of one client if given.
    How many tickets make a cluster (`min_tickets`) is applied by `selectors.recurring_problems`."""

    days = WholeNumberFilter(method="in_last_days", label="Last days", initial=RECURRING_DAYS,
                             min_value=1, max_value=3650)
    min_tickets = WholeNumberFilter(method="keep", label="At least tickets", initial=RECURRING_TICKETS,
                                    min_value=2, max_value=1000)
    client = RowFilter(field_name="client", queryset=clients(), label="Client", empty_label="All clients")

    class Meta:
        model = Ticket
        fields = ["days", "min_tickets", "client"]

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("days") is None:  # an ignored window is the default one, never all time
            queryset = self.in_last_days(queryset, "days", RECURRING_DAYS)
        return queryset

    def in_last_days(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(created_at__gte=timezone.now() - timedelta(days=int(value)))

    def keep(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset

    @property
    def min_tickets_value(self) -> int:
        """The valid cluster size asked for, else the default."""
        if self.is_bound and "min_tickets" not in self.errors:
            return self.form.cleaned_data.get("min_tickets") or RECURRING_TICKETS
        return RECURRING_TICKETS
