import pytest

from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def msp_zone(settings):
    settings.TIME_ZONE = "UTC"


@pytest.fixture
def tech(db):
    return UserFactory(username="tess", role=Role.TECHNICIAN)


@pytest.fixture
def company(db):
    return ClientFactory(name="Acme")


@pytest.fixture
def other_company(db):
    return ClientFactory(name="Globex")


@pytest.fixture
def contact_user(company):
    return ContactFactory(client=company, user=UserFactory(username="carol", role=Role.CLIENT_CONTACT)).user
