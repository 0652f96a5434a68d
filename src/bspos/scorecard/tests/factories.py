"""Sales-funnel leads for tests."""

from datetime import date

import factory

from bspos.scorecard.models import Opportunity


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    name = factory.Sequence(lambda n: f"Prospect {n} Ltd")
    awareness_on = date(2026, 9, 1)
