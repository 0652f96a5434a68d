"""Minimal rows for the time sheets' tests: a technician, a service manager, a ticket, a week in November 2026."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from bspos.clients.tests.factories import ClientFactory
from bspos.people.models import Role
from bspos.people.tests.factories import RateFactory, UserFactory
from bspos.servicedesk import services as desk
from bspos.servicedesk.tests.factories import TicketFactory

WEEK = date(2026, 11, 2)  # a Monday


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def tech(db):
    user = UserFactory(username="tess", first_name="Tess", role=Role.TECHNICIAN)
    RateFactory(user=user)
    return user


@pytest.fixture
def manager(db):
    return UserFactory(username="max", first_name="Max", role=Role.SERVICE_MANAGER)


@pytest.fixture
def ticket(db):
    return TicketFactory(client=ClientFactory(name="Acme Dental"), subject="Printer jams")


@pytest.fixture
def logged(tech, ticket):
    """Tess's week of 2 November: two hours on the ticket Monday, a meeting Tuesday."""
    return [desk.log_time(technician=tech, ticket=ticket, minutes=120, started_at=at(WEEK)),
            desk.log_time(technician=tech, internal_category="meeting", minutes=60,
                          started_at=at(WEEK + timedelta(days=1), 10))]
