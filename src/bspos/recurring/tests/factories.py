"""Recurring ticket templates made through the service, so their schedule is what the app would give them."""

from datetime import UTC, date, datetime

import factory

from bspos.clients.tests.factories import ClientFactory
from bspos.recurring import services
from bspos.recurring.models import Frequency, RecurringTicket


class RecurringTicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecurringTicket
        exclude = ["now"]

    now = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
    client = factory.SubFactory(ClientFactory)
    subject = factory.Sequence(lambda n: f"Check backups {n}")
    frequency = Frequency.DAILY
    starts_on = date(2026, 12, 1)

    @classmethod
    def _create(cls, model_class, *args, now=None, **kwargs):
        return services.create_template(by=None, now=now or cls.now, **kwargs)
