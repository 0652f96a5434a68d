"""Tickets and time made through the desk's own services, so numbering, priority, agreement and SLA clocks are
what the app would give them."""

from datetime import UTC, datetime

import factory

from bspos.clients.tests.factories import ClientFactory
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk import services
from bspos.servicedesk.models import Ticket, TimeEntry


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    client = factory.SubFactory(ClientFactory)
    subject = factory.Sequence(lambda n: f"Printer on floor {n} jams")
    created_at = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.create_ticket(**kwargs)


class TimeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeEntry

    technician = factory.SubFactory(UserFactory)
    ticket = factory.SubFactory(TicketFactory)
    minutes = 60
    started_at = datetime(2026, 11, 2, 11, 0, tzinfo=UTC)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.log_time(**kwargs)
