"""Minimal leadership rows for tests."""

from datetime import UTC, datetime
from decimal import Decimal

import factory

from bspos.leadership.models import DEFAULT_AGENDA, Hat, Issue, Meeting, Metric, Plan
from bspos.people.tests.factories import UserFactory


class HatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hat

    name = factory.Sequence(lambda n: f"Hat {n}")
    owner = factory.SubFactory(UserFactory)


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Metric

    hat = factory.SubFactory(HatFactory)
    name = "Utilisation"
    live = "utilisation"
    target = Decimal("70")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    scheduled_at = datetime(2026, 9, 7, 9, 0, tzinfo=UTC)
    agenda = [list(section) for section in DEFAULT_AGENDA]


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    title = factory.Sequence(lambda n: f"Issue {n}")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        django_get_or_create = ("year",)

    year = 2026
