"""Template context from money: `currency`, the MSP's currency code from the billing settings.

Templates pass it to the one money format: `{{ amount|money:currency }}` (core must not import money, so the
code comes in here). Read only when a page shows an amount.
"""

from django.utils.functional import SimpleLazyObject

from bspos.money.models import BillingSettings


def currency(request) -> dict:
    return {"currency": SimpleLazyObject(lambda: BillingSettings.current().currency)}
