"""Template context from money: `currency`, the MSP's currency code from the billing settings.

Templates pass it to the one money format: `{{ amount|money:currency }}` (core must not import money, so the
code comes in here). Read only when a page shows an amount, and never written: a page that reads writes nothing.
"""

from django.utils.functional import SimpleLazyObject

from bspos.money.models import BillingSettings


def _currency() -> str:
    saved = BillingSettings.objects.filter(pk=1).values_list("currency", flat=True).first()
    return saved or BillingSettings._meta.get_field("currency").default


def currency(request) -> dict:
    return {"currency": SimpleLazyObject(_currency)}
