"""The notification tests send through a real SMTP server: the shared aiosmtpd sink."""

import pytest

from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory


@pytest.fixture
def sink(smtp_sink, settings, monkeypatch):
    """Every email Django sends goes to the sink; returns the list of messages it received."""
    controller, received = smtp_sink
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.BSPOS_BASE_URL = "https://desk.msp.test"
    monkeypatch.setenv("BSPOS_MAIL_FROM", "support@msp.test")
    return received


@pytest.fixture
def tech(db):
    return UserFactory(username="tess", first_name="Tess", email="tess@msp.test", role=Role.TECHNICIAN)


@pytest.fixture
def colleague(db):
    return UserFactory(username="cole", first_name="Cole", email="cole@msp.test", role=Role.TECHNICIAN)


@pytest.fixture
def manager(db):
    return UserFactory(username="mara", first_name="Mara", email="mara@msp.test", role=Role.SERVICE_MANAGER)


@pytest.fixture
def acme(db):
    return ClientFactory(name="Acme Dental")


@pytest.fixture
def alice(acme):
    """A client contact with a portal login."""
    login = UserFactory(username="alice", first_name="Alice", email="alice@acme-dental.test", role=Role.CLIENT_CONTACT)
    return ContactFactory(client=acme, first_name="Alice", email="alice@acme-dental.test", user=login)
