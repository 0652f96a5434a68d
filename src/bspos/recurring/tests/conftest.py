import pytest

from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def msp_zone(settings):
    settings.TIME_ZONE = "UTC"


@pytest.fixture
def tech(db):
    return UserFactory(username="tess", role=Role.TECHNICIAN)
