"""A client with an agreement, a contact with an email and a login, a technician, and mail to a real SMTP sink."""

from datetime import date

import pytest

from bspos.agreements.tests.factories import AgreementFactory
from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory


@pytest.fixture
def company(db):
    return AgreementFactory(client=ClientFactory(name="Acme Dental"), start_date=date(2024, 1, 1)).client


@pytest.fixture
def tech(db):
    return UserFactory(username="tess", role=Role.TECHNICIAN, first_name="Tess", last_name="Tech")


@pytest.fixture
def contact(company):
    return ContactFactory(client=company, first_name="Alice", email="alice@acme-dental.test",
                          user=UserFactory(username="alice", role=Role.CLIENT_CONTACT))


@pytest.fixture
def smtp(smtp_sink, settings):
    """Django's SMTP backend pointed at the sink (pytest-django's default is the in-memory outbox)."""
    controller, received = smtp_sink
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.BSPOS_BASE_URL = "https://psa.msp.test"
    return received
