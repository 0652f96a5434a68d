"""Knowledge rows for tests, written through the knowledge services (versions and audit as the app keeps them)."""

import factory

from bspos.clients.tests.factories import ClientFactory
from bspos.knowledge import services
from bspos.knowledge.models import Article, Problem
from bspos.people.tests.factories import UserFactory


class ArticleFactory(factory.django.DjangoModelFactory):
    """A global, internal SOP unless told otherwise."""

    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"How to fix thing {n}")
    body = "1. Turn it off\n2. Turn it on"
    kind = "sop"
    client = None
    published = False

    @classmethod
    def _create(cls, model_class, *args, by=None, **kwargs):
        return services.save_article(by=by or UserFactory(), **kwargs)


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Problem

    title = factory.Sequence(lambda n: f"Recurring fault {n}")
    client = factory.SubFactory(ClientFactory)

    @classmethod
    def _create(cls, model_class, *args, by=None, **kwargs):
        return services.save_problem(by=by or UserFactory(), **kwargs)
