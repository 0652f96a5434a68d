"""The back office saves and deletes through the services: the same rules, and an audit entry by the person."""

import pytest
from django.urls import reverse

from bspos.assets.models import Asset
from bspos.assets.tests.factories import AssetFactory
from bspos.audit.models import AuditEvent
from bspos.clients.models import Client, Site
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NO_SITES = {"sites-TOTAL_FORMS": "0", "sites-INITIAL_FORMS": "0"}


@pytest.fixture
def boss(client):
    user = UserFactory(username="boss", role=Role.OWNER, is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_adding_and_changing_a_client_with_a_site_is_audited_by_the_person(client, boss):
    data = {"name": "Acme", "status": "prospect", **NO_SITES, "sites-TOTAL_FORMS": "1", "sites-0-name": "HQ"}
    assert client.post(reverse("admin:clients_client_add"), data).status_code == 302
    acme = Client.objects.get()
    assert list(acme.sites.values_list("name", flat=True)) == ["HQ"]
    data = {"name": "Acme", "status": "active", "client_since": "2026-01-05", "sites-TOTAL_FORMS": "1",
            "sites-INITIAL_FORMS": "1", "sites-0-id": Site.objects.get().pk, "sites-0-client": acme.pk,
            "sites-0-name": "Head office"}
    assert client.post(reverse("admin:clients_client_change", args=[acme.pk]), data).status_code == 302
    events = AuditEvent.objects.order_by("id")
    assert [(e.action, e.content_type.model) for e in events] == [
        ("created", "client"), ("created", "site"), ("changed", "client"), ("changed", "site")]
    assert {e.actor for e in events} == {boss}
    assert events[2].changes["status"] == ["prospect", "active"]


def test_the_back_office_refuses_what_the_rules_refuse(client, boss):
    response = client.post(reverse("admin:clients_client_add"), {"name": "Acme", "status": "active", **NO_SITES})
    assert response.status_code == 200 and "date it became a client" in response.content.decode()
    assert not Client.objects.exists() and not AuditEvent.objects.exists()


def test_changing_and_deleting_an_asset_in_the_back_office_is_audited(client, boss):
    asset = AssetFactory(name="PC-1")
    data = {"client": asset.client_id, "asset_type": "laptop", "name": "PC-1", "lifecycle": "active"}
    assert client.post(reverse("admin:assets_asset_change", args=[asset.pk]), data).status_code == 302
    assert client.post(reverse("admin:assets_asset_delete", args=[asset.pk]), {"post": "yes"}).status_code == 302
    assert not Asset.objects.exists()
    changed, deleted = AuditEvent.objects.order_by("id")
    assert changed.changes == {"asset_type": ["workstation", "laptop"]} and deleted.action == "deleted"
