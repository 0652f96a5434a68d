"""How things connect: a technician relates two records of one client from either record's page; the relation shows
on both pages, is removed from either, and is in the audit trail. Records of two clients never connect; a contact
never sees or changes relations; a credential shows only to those who may open the vault."""

import pytest
from django.core.exceptions import ValidationError

from bspos.assets.tests.factories import AssetFactory
from bspos.audit.models import AuditEvent
from bspos.clients.tests.factories import ContactFactory
from bspos.documentation import services
from bspos.documentation.models import Relation
from bspos.documentation.selectors import related_records
from bspos.documentation.tests.factories import DomainFactory, LicenceFactory, NetworkFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.vault import crypto
from bspos.vault import services as vault

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vault_key(monkeypatch, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    monkeypatch.delenv("BSPOS_VAULT_KEY_FILE", raising=False)
    monkeypatch.setenv("BSPOS_VAULT_KEYS", crypto.new_key_line("k1"))


@pytest.fixture
def firewall(company):
    return AssetFactory(client=company, name="FW-01")


@pytest.fixture
def licence(company):
    return LicenceFactory(client=company, product="FortiGuard bundle")


@pytest.fixture
def login(company, tech):
    return vault.create_credential(by=tech, client=company, name="Firewall admin", secret="x7#Lq9!vR2mZ")


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_a_relation_added_on_the_asset_page_shows_on_both_pages_and_is_audited(client, tech, firewall, licence):
    client.force_login(tech)
    asset_page = f"/assets/{firewall.pk}/"
    assert "FortiGuard bundle" in page(client, asset_page)  # offered in the picker
    response = client.post("/documentation/relations/add/", {
        "from": f"asset:{firewall.pk}", "to": f"licence:{licence.pk}", "note": "licence of", "next": asset_page})
    assert response.status_code == 302 and response["Location"] == asset_page
    relation = Relation.objects.get()
    assert relation.note == "licence of" and relation.created_by == tech
    licence_page = page(client, f"/documentation/licences/{licence.pk}/")
    assert f'href="/assets/{firewall.pk}/"' in licence_page and "licence of" in licence_page
    assert f'href="/documentation/licences/{licence.pk}/"' in page(client, asset_page)
    event = AuditEvent.objects.get(content_type__model="relation")
    assert event.action == "created" and event.actor == tech
    assert "Asset FW-01" in event.object_repr and "Licence FortiGuard bundle" in event.object_repr


def test_removed_from_the_other_side_it_leaves_both_pages_and_is_audited(client, tech, firewall, licence):
    relation = services.relate(firewall, licence, by=tech)
    client.force_login(tech)
    licence_page = f"/documentation/licences/{licence.pk}/"
    response = client.post(f"/documentation/relations/{relation.pk}/remove/", {"next": licence_page})
    assert response.status_code == 302 and response["Location"] == licence_page
    assert not Relation.objects.exists()
    assert "Nothing related yet" in page(client, f"/assets/{firewall.pk}/")
    assert AuditEvent.objects.filter(content_type__model="relation", action="deleted", actor=tech).exists()


def test_a_credential_a_network_and_a_contact_connect_to_an_asset(client, tech, company, firewall, login):
    network = NetworkFactory(client=company)
    person = ContactFactory(client=company, first_name="Dana", last_name="Office")
    for other in (login, network, person):
        services.relate(other, firewall, by=tech, note="")
    assert [(item.kind, item.name) for item in related_records(firewall, user=tech)] == [
        ("contact", "Dana Office"), ("credential", "Firewall admin"), ("network", "LAN (192.168.10.0/24)")]
    assert [item.name for item in related_records(login, user=tech)] == ["FW-01"]
    client.force_login(tech)
    assert "FW-01" in page(client, f"/vault/{login.pk}/")


def test_one_relation_whichever_side_and_never_across_clients_or_to_itself(tech, company, other_company, firewall,
                                                                           licence):
    services.relate(licence, firewall, by=tech)
    with pytest.raises(ValidationError, match="already related"):
        services.relate(firewall, licence, by=tech)
    with pytest.raises(ValidationError, match="same client"):
        services.relate(firewall, DomainFactory(client=other_company), by=tech)
    with pytest.raises(ValidationError, match="itself"):
        services.relate(firewall, firewall, by=tech)
    assert Relation.objects.count() == 1


def test_a_refused_relation_says_why_and_changes_nothing(client, tech, other_company, firewall):
    client.force_login(tech)
    foreign = DomainFactory(client=other_company)
    response = client.post("/documentation/relations/add/", {"from": f"asset:{firewall.pk}",
                                                             "to": f"domain:{foreign.pk}"}, follow=True)
    assert "same client" in response.content.decode() and not Relation.objects.exists()


def test_a_credential_is_related_only_for_those_who_may_open_the_vault(tech, firewall, login):
    services.relate(firewall, login, by=tech)
    finance = UserFactory(username="fin", role=Role.FINANCE)  # reads the desk, not the vault
    assert related_records(firewall, user=finance) == []
    assert [item.kind for item in related_records(firewall, user=tech)] == ["credential"]


def test_a_contact_never_sees_or_changes_relations(client, tech, company, contact_user, licence):
    shared = DomainFactory(client=company, shared_with_client=True)
    relation = services.relate(shared, licence, by=tech)
    client.force_login(contact_user)
    assert licence.product not in page(client, f"/documentation/domains/{shared.pk}/")
    assert client.post("/documentation/relations/add/", {"from": f"domain:{shared.pk}",
                                                         "to": f"licence:{licence.pk}"}).status_code == 404
    assert client.post(f"/documentation/relations/{relation.pk}/remove/").status_code == 404
    assert Relation.objects.count() == 1


def test_deleting_either_record_takes_its_relations_with_it(tech, company, firewall, licence, login):
    services.relate(firewall, licence, by=tech)
    services.relate(login, licence, by=tech)
    firewall.delete()
    vault.delete_credential(login, by=tech)
    assert not Relation.objects.exists()
    domain = DomainFactory(client=company)
    services.relate(domain, licence, by=tech)
    services.delete(licence, by=tech)
    assert not Relation.objects.exists()


def test_the_api_relates_lists_and_removes(client, tech, firewall, licence):
    from bspos.documentation.tests.test_api import call

    created = call(client, tech, "post", "/relations", {"one": {"kind": "licence", "id": licence.pk},
                                                        "other": {"kind": "asset", "id": firewall.pk},
                                                        "note": "licence of"})
    assert created.status_code == 201
    body = created.json()
    assert {body["one"]["kind"], body["other"]["kind"]} == {"asset", "licence"} and body["note"] == "licence of"
    listed = call(client, tech, "get", f"/relations?record=asset:{firewall.pk}").json()
    assert [row["id"] for row in listed["items"]] == [body["id"]]
    assert call(client, tech, "get", "/relations?record=planet:1").status_code == 422
    again = call(client, tech, "post", "/relations", {"one": {"kind": "asset", "id": firewall.pk},
                                                      "other": {"kind": "licence", "id": licence.pk}})
    assert again.status_code == 422
    assert call(client, tech, "delete", f"/relations/{body['id']}").status_code == 204
    assert not Relation.objects.exists()
