"""Not the agreement pages any more: they show the pricing guard, so they live in money (money/agreement_views.py,
still at /agreements/…) and the agreements app imports nothing of money.

Kept only so the old list export (imports/exports.py, removed at merge) still imports; it gets the list's filters
from AgreementFilter and no longer the pricing-guard flag, which is the new export's (/agreements/export.csv).
Delete this module together with that export."""

from bspos.agreements.filters import AgreementFilter
from bspos.agreements.models import Agreement

FLAGS: dict[str, str] = {}  # the flag is money.filters.PricedAgreementFilter's


def _sees_guard(user) -> bool:
    return False


def filter_agreements(params, today) -> tuple:
    agreements = Agreement.objects.select_related("client", "package").order_by("client__name", "-start_date", "pk")
    return (AgreementFilter(params, agreements).qs,)


def flagged(agreements, flag: str, today) -> tuple:
    raise LookupError("The pricing-guard flag is money's filter (money.filters.PricedAgreementFilter).")
