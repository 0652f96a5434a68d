"""Minimal projects, phases, tasks and milestones for tests."""

from datetime import date
from decimal import Decimal

import factory

from bspos.clients.tests.factories import ClientFactory
from bspos.projects.models import BillingTerms, Milestone, Phase, Project, ProjectStatus, Task


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    number = factory.Sequence(lambda n: 9000 + n)
    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Migration {n}")
    status = ProjectStatus.ACTIVE
    start_date = date(2026, 10, 1)
    billing = BillingTerms.TIME_AND_MATERIALS


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Phase {n}")


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Task {n}")
    estimate_hours = Decimal("2")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory, billing=BillingTerms.FIXED_FEE)
    name = factory.Sequence(lambda n: f"Milestone {n}")
    amount = Decimal("1000.00")
