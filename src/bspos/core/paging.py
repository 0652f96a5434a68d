"""Counting rows for a page without counting a whole big table (issue 22: lists without full counts)."""

from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 10_000  # a list counts its rows up to here; past it the count reads "more than 10,000"


def capped_count(queryset) -> tuple[int, bool]:
    """The number of rows up to COUNT_CAP, and whether there are more: SELECT COUNT(*) FROM (… LIMIT cap + 1), so
    a million tickets cost what ten thousand do."""
    counted = queryset.order_by()[:COUNT_CAP + 1].count()
    return min(counted, COUNT_CAP), counted > COUNT_CAP


class CappedPaginator(Paginator):
    """A Paginator whose count stops at COUNT_CAP; `count_capped` says the list goes on (pages past the cap are
    reached by narrowing the filters, as in every PSA's queue)."""

    @cached_property
    def _capped(self) -> tuple[int, bool]:
        return capped_count(self.object_list)

    @cached_property
    def count(self) -> int:
        return self._capped[0]

    @property
    def count_capped(self) -> bool:
        return self._capped[1]
