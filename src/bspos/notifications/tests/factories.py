"""Minimal notification rows for page and API tests (events themselves are made by the desk's services)."""

from datetime import UTC, datetime

import factory

from bspos.notifications.models import Event, Notification, Watcher
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk.tests.factories import TicketFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    event = Event.ASSIGNED
    ticket = factory.SubFactory(TicketFactory)
    text = factory.LazyAttribute(lambda n: f"#{n.ticket.number} {n.ticket.subject} is assigned to you")
    url = factory.LazyAttribute(lambda n: f"/desk/tickets/{n.ticket.number}/")
    created_at = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


class WatcherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Watcher

    ticket = factory.SubFactory(TicketFactory)
    user = factory.SubFactory(UserFactory)
