"""The time sheets list's filters, shared by the approvals page and `GET /api/v1/time-sheets`."""

import django_filters

from bspos.core.filters import FilterSet, RowFilter
from bspos.people.models import STAFF_ROLES, User
from bspos.timesheets.models import SheetStatus, TimeSheet


class TimeSheetFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=SheetStatus.choices, empty_label="Any status",
                                         initial=SheetStatus.SUBMITTED)
    technician = RowFilter(queryset=User.objects.filter(role__in=STAFF_ROLES).order_by("username"),
                           empty_label="Anybody", label="Person")
    since = django_filters.DateFilter(field_name="week", lookup_expr="gte", label="Weeks from")
    until = django_filters.DateFilter(field_name="week", lookup_expr="lte", label="Weeks until")

    class Meta:
        model = TimeSheet
        fields = []
