"""A vault key in the environment, a client with a technician, a contact of it and a contact of another company."""

import pytest

from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.vault import crypto, services

KEY_ONE = crypto.new_key_line("k1")
KEY_TWO = crypto.new_key_line("k2")


@pytest.fixture(autouse=True)
def vault_key(monkeypatch, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    monkeypatch.delenv("BSPOS_VAULT_KEY_FILE", raising=False)
    monkeypatch.setenv("BSPOS_VAULT_KEYS", KEY_ONE)
    return KEY_ONE


@pytest.fixture
def company(db):
    return ClientFactory(name="Acme Dental")


@pytest.fixture
def other_company(db):
    return ClientFactory(name="Globex")


@pytest.fixture
def tech(db):
    return UserFactory(username="tess", role=Role.TECHNICIAN)


@pytest.fixture
def contact(company):
    return ContactFactory(client=company, user=UserFactory(username="alice", role=Role.CLIENT_CONTACT)).user


@pytest.fixture
def outsider(other_company):
    return ContactFactory(client=other_company, user=UserFactory(username="gus", role=Role.CLIENT_CONTACT)).user


@pytest.fixture
def firewall(company, tech):
    return services.create_credential(by=tech, client=company, name="Firewall admin", username="admin",
                                      secret="correct horse battery staple 42", url="https://fw.acme.test",
                                      notes="Break-glass account", totp_seed="JBSWY3DPEHPK3PXP")
