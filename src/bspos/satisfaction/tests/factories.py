"""Surveys with a known token (so a test can open its link) and, when given, an answer."""

import factory
from django.utils import timezone

from bspos.satisfaction.models import Survey
from bspos.satisfaction.services import token_hash
from bspos.servicedesk.tests.factories import TicketFactory


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey
        exclude = ["token"]

    token = factory.Sequence(lambda n: f"test-token-{n:04d}-{'x' * 30}")
    ticket = factory.SubFactory(TicketFactory)
    contact = factory.LazyAttribute(lambda s: s.ticket.contact)
    technician = factory.LazyAttribute(lambda s: s.ticket.assignee)
    token_hash = factory.LazyAttribute(lambda s: token_hash(s.token))
    sent_at = factory.LazyFunction(timezone.now)
    answered_at = factory.LazyAttribute(lambda s: s.sent_at if s.score else None)
    score = ""
