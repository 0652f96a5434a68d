"""The documentation API: the same rules as the pages (422 with field messages), staff only, no secret fields."""

import pytest

from bspos.api.services import create_token
from bspos.clients.tests.factories import ContactFactory
from bspos.documentation.models import Network, Record
from bspos.documentation.tests.factories import DomainFactory, RecordFactory, RecordTypeFactory

pytestmark = pytest.mark.django_db


def call(client, user, method, path, payload=None):
    _, secret = create_token(user=user, name="test", scope="write")
    headers = {"Authorization": f"Bearer {secret}"}
    if payload is None:
        return getattr(client, method)(f"/api/v1{path}", headers=headers)
    return getattr(client, method)(f"/api/v1{path}", payload, content_type="application/json", headers=headers)


def test_a_network_outside_its_subnet_is_refused_with_the_fields_named(client, tech, company):
    response = call(client, tech, "post", "/networks", {"client_id": company.pk, "name": "LAN",
                                                        "subnet": "10.0.0.0/24", "gateway": "10.0.1.1"})
    assert response.status_code == 422 and "gateway" in response.json()["errors"]
    assert not Network.objects.exists()
    created = call(client, tech, "post", "/networks", {"client_id": company.pk, "name": "LAN",
                                                       "subnet": "10.0.0.0/24", "gateway": "10.0.0.1"})
    assert created.status_code == 201 and created.json()["gateway"] == "10.0.0.1"


def test_record_values_are_validated_in_the_api(client, tech, company):
    firewall = RecordTypeFactory()
    bad = call(client, tech, "post", "/records", {"client_id": company.pk, "record_type_id": firewall.pk,
                                                  "name": "Edge", "values": {"Model": "x", "Mode": "Hub"}})
    assert bad.status_code == 422 and "values" in bad.json()["errors"]
    record = RecordFactory(client=company, record_type=firewall)
    patched = call(client, tech, "patch", f"/records/{record.pk}", {"values": {"Model": "x", "Ports": "7"}})
    assert patched.status_code == 200 and patched.json()["values"] == {"Model": "x", "Ports": 7}
    assert Record.objects.get().values == {"Model": "x", "Ports": 7}


def test_lists_filter_like_the_page_and_licences_count_seats_used(client, tech, company, other_company):
    DomainFactory(client=company, name="acme.example", registrar="Gandi")
    DomainFactory(client=other_company, name="globex.example")
    listed = call(client, tech, "get", f"/domains?client={company.pk}").json()
    assert [row["name"] for row in listed["items"]] == ["acme.example"]
    alice = ContactFactory(client=company)
    licence = call(client, tech, "post", "/licences", {"client_id": company.pk, "product": "Office", "seats": 5,
                                                       "assigned_contact_ids": [alice.pk]})
    assert licence.status_code == 201 and licence.json()["seats_used"] == 1
    assert "key" not in licence.json() and licence.json()["key_in_vault"] is False


def test_a_contact_gets_404_even_for_their_own_companys_shared_rows(client, company, contact_user):
    domain = DomainFactory(client=company, shared_with_client=True)
    for method, path in [("get", "/domains"), ("get", f"/domains/{domain.pk}"), ("delete", f"/domains/{domain.pk}"),
                         ("get", "/expiring"), ("get", "/record-types")]:
        assert call(client, contact_user, method, path).status_code == 404, path
