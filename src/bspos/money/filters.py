"""The filters of money's lists, shared by each page, its CSV export and its API endpoint."""

import django_filters
from django.utils import timezone

from bspos.agreements.filters import AgreementFilter
from bspos.clients.models import Client
from bspos.core.filters import FilterSet, RowFilter, SearchFilter
from bspos.money.forms import MonthField
from bspos.money.models import Invoice, InvoiceKind, InvoiceStatus
from bspos.money.reports import FLAGS, flagged_ids, sees_pricing_guard


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class InvoiceFilter(FilterSet):
    """The invoice list: page, CSV export and `GET /api/v1/invoices`."""

    q = SearchFilter("client__name", placeholder="Client name")
    month = MonthFilter(field_name="period_start", label="Month")
    status = django_filters.ChoiceFilter(choices=InvoiceStatus.choices, empty_label="Any status")
    kind = django_filters.ChoiceFilter(choices=InvoiceKind.choices, empty_label="Invoices and credit notes")
    client = RowFilter(queryset=Client.objects.order_by("name"), empty_label="Any client")

    class Meta:
        model = Invoice
        fields = ["q", "month", "status", "kind", "client"]

    def chosen_month(self):
        """The month filtered on, when it is valid (the billing forms suggest it)."""
        if not self.is_bound or "month" in self.errors:
            return None
        return self.form.cleaned_data.get("month")


class PricedAgreementFilter(AgreementFilter):
    """The agreement list (page and CSV) with the pricing-guard flag, offered only to people who see prices."""

    flag = django_filters.ChoiceFilter(label="Pricing guard", choices=list(FLAGS.items()), empty_label="Any price",
                                       method="filter_flag")

    class Meta(AgreementFilter.Meta):
        fields = [*AgreementFilter.Meta.fields, "flag"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        if request is None or not sees_pricing_guard(request.user):
            del self.filters["flag"]

    def filter_flag(self, queryset, name, value):
        return queryset.filter(pk__in=flagged_ids(queryset, value, timezone.localdate())) if value else queryset
