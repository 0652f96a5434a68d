"""Minimal people for tests: a user of a role, with a rate when money matters."""

from datetime import date
from decimal import Decimal

import factory

from bspos.people.models import Rate, Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.TECHNICIAN
    password = factory.django.Password("pw")
    weekly_hours = Decimal("40")


class RateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rate

    user = factory.SubFactory(UserFactory)
    effective_from = date(2020, 1, 1)
    cost_rate = Decimal("40.00")
    bill_rate = Decimal("120.00")
