"""Minimal mail rows as stored; use `mail.services.ingest` where the mail rules matter."""

import factory

from bspos.mail.models import InboundMessage, OutboundMessage, Outcome
from bspos.servicedesk.tests.factories import TicketFactory


class InboundMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InboundMessage

    key = factory.Sequence(lambda n: f"<m{n}@example.test>")
    message_id = factory.LazyAttribute(lambda m: m.key)
    sender = "alice@acme-dental.test"
    subject = factory.Sequence(lambda n: f"Printer jams {n}")
    raw = b"Subject: test\r\n\r\nbody"
    outcome = Outcome.TRIAGE


class OutboundMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboundMessage

    ticket = factory.SubFactory(TicketFactory)
    message_id = factory.Sequence(lambda n: f"<out{n}@msp.test>")
    to = "alice@acme-dental.test"
    subject = factory.LazyAttribute(lambda m: f"Re: {m.ticket.subject}")
    state = OutboundMessage.State.SENT
