"""A minimal agreement: per user, in force since 2024, with an SLA plan."""

from datetime import date
from decimal import Decimal

import factory

from bspos.agreements.models import Agreement, AgreementKind
from bspos.clients.tests.factories import ClientFactory
from bspos.sla.tests.factories import SlaPlanFactory


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    client = factory.SubFactory(ClientFactory)
    name = "Managed services"
    kind = AgreementKind.PER_USER
    unit_price = Decimal("100.00")
    hourly_rate = Decimal("150.00")
    start_date = date(2024, 1, 1)
    sla_plan = factory.SubFactory(SlaPlanFactory)
