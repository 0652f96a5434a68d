"""vCIO rows for tests: an assessment of the built-in 7C framework, roadmap items, parties and RACI cells."""

from datetime import date

import factory

from bspos.clients.tests.factories import ClientFactory
from bspos.vcio.models import Assessment, AssessmentTemplate, Party, Responsibility, RoadmapItem


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    client = factory.SubFactory(ClientFactory)
    template = factory.LazyFunction(lambda: AssessmentTemplate.objects.filter(key="7c").order_by("-version").first())


class RoadmapItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoadmapItem

    client = factory.SubFactory(ClientFactory)
    area = "Continuous"
    title = factory.Sequence(lambda n: f"Roadmap item {n}")
    quarter = date(2027, 1, 1)


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Party {n}")
    kind = Party.Kind.CLIENT


class ResponsibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Responsibility

    party = factory.SubFactory(PartyFactory)
    client = factory.SelfAttribute("party.client")
    area = "backup"
    role = Responsibility.Role.ACCOUNTABLE
