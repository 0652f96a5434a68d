"""Reviews for tests: a planned review of an active client; hold or miss it through the services."""

from datetime import date

import factory

from bspos.clients.tests.factories import ClientFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.reviews.models import Recommendation, Review


class VcioFactory(UserFactory):
    username = factory.Sequence(lambda n: f"vcio{n}")
    role = Role.VCIO


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    client = factory.SubFactory(ClientFactory)
    due_on = date(2026, 10, 1)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    review = factory.SubFactory(ReviewFactory)
    title = factory.Sequence(lambda n: f"Recommendation {n}")
    business_problem = "Backups are not tested"
    roi_basis = "Avoids a week of lost work"
    one_time = 1000
    quarter = date(2027, 1, 1)
