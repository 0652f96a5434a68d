"""The desk's lists as FilterSets, shared by the queue page, its CSV export and the API (core.filters).

Querysets come in already scoped (`visible_to`) and, for tickets, annotated with `sla_state` (selectors).
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet

from bspos.clients.models import Client
from bspos.core.filters import FilterSet, IdFilter, RowFilter
from bspos.people.models import User
from bspos.servicedesk.forms import QuickSelect, staff_choices
from bspos.servicedesk.models import OPEN_STATUSES, Note, Source, Status
from bspos.servicedesk.selectors import SLA_LABELS
from bspos.sla.models import Priority


def _labelled(label: str, widget: type[forms.Widget] = forms.Select, **attrs) -> forms.Widget:
    return widget(attrs={"aria-label": label, **attrs})


ACTIVE = "active"
SORTS = {
    "number": ("-number",), "oldest": ("number",), "priority": ("priority", "-number"),
    "due": ("resolution_due", "number"), "updated": ("-updated_at",), "client": ("client__name", "-number"),
}
SORT_CHOICES = [("number", "Newest"), ("oldest", "Oldest"), ("priority", "Priority"), ("due", "Due soonest"),
                ("updated", "Recently updated"), ("client", "Client")]


class TicketFilter(FilterSet):
    """The ticket queue: search, status (or any open one), priority, SLA state, client, assignee, tier, source,
    mine, unassigned, sort. Needs a request (whose notes `q` may search) and tickets annotated with `sla_state`."""

    q = django_filters.CharFilter(method="search", label="Search", max_length=200, widget=forms.TextInput(attrs={
        "type": "search", "placeholder": "Search subject, conversation or #number", "aria-label": "Search"}))
    status = django_filters.ChoiceFilter(choices=[(ACTIVE, "Open (any)"), *Status.choices, ("", "All")],
                                         empty_label=None, method="filter_status", widget=_labelled("Status"))
    priority = django_filters.ChoiceFilter(choices=Priority.choices, empty_label="Any priority",
                                           widget=_labelled("Priority"))
    sla = django_filters.ChoiceFilter(field_name="sla_state", label="SLA", choices=list(SLA_LABELS.items()),
                                      empty_label="Any SLA state", widget=_labelled("SLA"))
    client = RowFilter(queryset=Client.objects.order_by("name").only("id", "name"), empty_label="Any client",
                       widget=_labelled("Client", QuickSelect))
    assignee = RowFilter(queryset=staff_choices(), empty_label="Anyone", widget=_labelled("Assignee", QuickSelect))
    tier = django_filters.ChoiceFilter(choices=[(1, "Tier 1"), (2, "Tier 2"), (3, "Tier 3")], empty_label="Any tier",
                                       widget=_labelled("Tier"))
    source = django_filters.ChoiceFilter(choices=Source.choices, empty_label="Any source", widget=_labelled("Source"))
    mine = django_filters.BooleanFilter(method="only_mine", label="Mine", widget=forms.CheckboxInput)
    unassigned = django_filters.BooleanFilter(method="only_unassigned", label="Unassigned", widget=forms.CheckboxInput)
    sort = django_filters.ChoiceFilter(choices=SORT_CHOICES, empty_label=None, method="order", widget=_labelled("Sort"))

    def filter_status(self, tickets: QuerySet, name: str, value: str) -> QuerySet:
        return tickets.filter(status__in=OPEN_STATUSES) if value == ACTIVE else tickets.filter(status=value)

    def search(self, tickets: QuerySet, name: str, value: str) -> QuerySet:
        """Subject, the conversation the caller may read (a contact: public replies only), or `#number`."""
        text = value.strip()
        if not text:
            return tickets
        notes = Note.objects.visible_to(self.request.user).filter(ticket=OuterRef("pk"), body__icontains=text)
        match = Q(subject__icontains=text) | Exists(notes)
        if text.lstrip("#").isdigit() and len(text) < 15:
            match |= Q(number=int(text.lstrip("#")))
        return tickets.filter(match)

    def only_mine(self, tickets: QuerySet, name: str, value: bool) -> QuerySet:
        # "My tickets" gives way to an assignee picked explicitly.
        if not value or self.form.cleaned_data.get("assignee"):
            return tickets
        return tickets.filter(assignee=self.request.user)

    def only_unassigned(self, tickets: QuerySet, name: str, value: bool) -> QuerySet:
        return tickets.filter(assignee__isnull=True) if value else tickets

    def order(self, tickets: QuerySet, name: str, value: str) -> QuerySet:
        return tickets.order_by(*SORTS[value])


def queue_filter(request, tickets: QuerySet) -> TicketFilter:
    """The queue page's filters (and its export's): open tickets unless a status is chosen; the API lists all."""
    data = request.GET.copy()
    data.setdefault("status", ACTIVE)
    return TicketFilter(data, tickets, request=request)


class TimeEntryFilter(FilterSet):
    technician = RowFilter(queryset=User.objects.all())
    ticket = IdFilter(field_name="ticket__number", label="Ticket number")
    task = IdFilter(field_name="task_id", label="Project task")
    since = django_filters.DateFilter(field_name="started_at", lookup_expr="date__gte", label="Started on or after")
    until = django_filters.DateFilter(field_name="started_at", lookup_expr="date__lte", label="Started on or before")
    billable = django_filters.BooleanFilter()
