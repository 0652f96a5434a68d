"""Minimal rows for the desk's tests: a client under one agreement with an SLA plan, staff and a contact login."""

from datetime import date

import pytest

from bspos.agreements.tests.factories import AgreementFactory
from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory


@pytest.fixture
def agreement(db):
    return AgreementFactory(client=ClientFactory(name="Acme Dental"), start_date=date(2024, 1, 1))


@pytest.fixture
def company(agreement):
    return agreement.client


@pytest.fixture
def tech(db):
    return UserFactory(username="tess", role=Role.TECHNICIAN)


@pytest.fixture
def manager(db):
    return UserFactory(username="max", role=Role.SERVICE_MANAGER, is_staff=True, is_superuser=True)


@pytest.fixture
def contact(company):
    return ContactFactory(client=company, first_name="Alice", email="alice@acme-dental.test",
                          user=UserFactory(username="alice", role=Role.CLIENT_CONTACT))
