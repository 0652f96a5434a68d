"""Minimal schedule rows for tests."""

from datetime import UTC, datetime, timedelta

import factory

from bspos.people.tests.factories import UserFactory
from bspos.schedule.models import ScheduleEntry


class ScheduleEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduleEntry

    technician = factory.SubFactory(UserFactory)
    starts_at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday
    ends_at = factory.LazyAttribute(lambda entry: entry.starts_at + timedelta(hours=1))
    title = "Team training"
