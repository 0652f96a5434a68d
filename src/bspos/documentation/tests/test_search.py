"""The one search box finds documentation, and never another company's (or an unshared row) for a contact."""

import pytest

from bspos.documentation.tests.factories import DomainFactory
from bspos.knowledge.search import search

pytestmark = pytest.mark.django_db


def test_search_finds_a_domain_for_staff(company, tech):
    DomainFactory(client=company, name="acme-widgets.example", registrar="Gandi")
    hits = search("gandi", tech)
    assert [(hit.kind, hit.title) for hit in hits] == [("domain", "acme-widgets.example")]


def test_a_contact_finds_only_their_own_companys_shared_rows(company, other_company, contact_user):
    DomainFactory(client=company, name="ours.example", shared_with_client=True)
    DomainFactory(client=company, name="ours-internal.example")
    DomainFactory(client=other_company, name="theirs.example", shared_with_client=True)
    assert [hit.title for hit in search("example", contact_user)] == ["ours.example"]


def test_the_search_page_shows_the_domain(client, company, tech):
    DomainFactory(client=company, name="acme-widgets.example")
    client.force_login(tech)
    assert "acme-widgets.example" in client.get("/knowledge/search/", {"q": "widgets"}).content.decode()


def test_a_credential_is_found_by_name_or_username_never_by_its_secret(company, tech, monkeypatch, settings,
                                                                        tmp_path, contact_user):
    from bspos.people.models import Role
    from bspos.people.tests.factories import UserFactory
    from bspos.vault import crypto
    from bspos.vault import services as vault

    settings.DATA_DIR = tmp_path
    monkeypatch.delenv("BSPOS_VAULT_KEY_FILE", raising=False)
    monkeypatch.setenv("BSPOS_VAULT_KEYS", crypto.new_key_line("k1"))
    vault.create_credential(by=tech, client=company, name="Firewall admin", username="fwadmin",
                            secret="Zebra-Quartz-77", notes="Zebra notes")
    assert [(hit.kind, hit.title) for hit in search("fwadmin", tech)] == [("credential", "Firewall admin")]
    assert search("zebra", tech) == []
    assert search("firewall", UserFactory(username="fin", role=Role.FINANCE)) == []  # no vault.read
    assert search("firewall", contact_user) == []  # not shared with the client
