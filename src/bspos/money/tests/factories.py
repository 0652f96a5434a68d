"""Money rows for tests: the billing settings and a client's tool cost."""

from datetime import date
from decimal import Decimal

import factory

from bspos.clients.tests.factories import ClientFactory
from bspos.money.models import BillingSettings, CostBasis, ToolCost


class BillingSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BillingSettings
        django_get_or_create = ("pk",)

    pk = 1
    company_name = "Northwind IT"
    company_address = "1 Harbour Street\nBristol"
    tax_id = "GB123456789"
    tax_rate = Decimal("20.00")
    currency = "GBP"
    payment_terms_days = 30


class ToolCostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ToolCost

    client = factory.SubFactory(ClientFactory)
    name = "EDR"
    basis = CostBasis.FLAT
    unit_cost = Decimal("30.00")
    start_date = date(2024, 1, 1)
