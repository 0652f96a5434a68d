"""Assets: the rules through the service (warranty never before purchase, RMM ids unique, the site of the asset's
own client) with their audit entries; one FilterSet for the list page, its CSV export and the API."""

import csv
import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bspos.assets import services
from bspos.assets.models import Asset, AssetType, Lifecycle
from bspos.assets.tests.factories import AssetFactory
from bspos.audit.models import AuditEvent
from bspos.audit.services import history
from bspos.clients.tests.factories import ClientFactory, SiteFactory
from bspos.imports.services import run_import
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory(role=Role.SERVICE_MANAGER)


@pytest.fixture
def staff(client, manager):
    client.force_login(manager)
    return client


def rows(response) -> list[dict]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_warranty_cannot_end_before_the_purchase(manager):
    with pytest.raises(ValidationError, match="warranty cannot end before"):
        services.create_asset(by=manager, client=ClientFactory(), asset_type=AssetType.LAPTOP, name="LT-1",
                              purchased_on=date(2026, 5, 1), warranty_expires=date(2026, 4, 30))
    assert not Asset.objects.exists() and not AuditEvent.objects.exists()


def test_rmm_ids_are_unique_but_many_assets_have_none(manager):
    AssetFactory(rmm_id="rmm-1")
    AssetFactory(), AssetFactory()
    with pytest.raises(ValidationError, match="Another asset already has this RMM id"):
        services.create_asset(by=manager, client=ClientFactory(), asset_type=AssetType.SERVER, name="SRV",
                              rmm_id="rmm-1")
    assert Asset.objects.count() == 3


def test_an_asset_cannot_sit_at_another_clients_site(manager):
    asset = AssetFactory()
    with pytest.raises(ValidationError, match="another client"):
        services.update_asset(by=manager, asset=asset, site=SiteFactory())


def test_create_change_and_delete_are_audited(manager):
    asset = services.create_asset(by=manager, client=ClientFactory(), asset_type=AssetType.SERVER, name="SRV")
    services.update_asset(by=manager, asset=asset, lifecycle=Lifecycle.RETIRED)
    changed, created = history(asset)
    assert (created.action, changed.changes["lifecycle"], changed.actor) == ("created", ["active", "retired"], manager)
    services.delete_asset(by=manager, asset=asset)
    assert AuditEvent.objects.filter(action="deleted", object_repr="SRV").exists() and not Asset.objects.exists()


def test_the_api_writes_through_the_service(staff):
    client = ClientFactory()
    response = staff.post("/api/v1/assets", {"client_id": client.pk, "asset_type": "server", "name": "SRV",
                                             "purchased_on": "2026-05-01", "warranty_expires": "2026-04-01"},
                          content_type="application/json")
    assert response.status_code == 422 and "warranty_expires" in response.json()["errors"]
    response = staff.post("/api/v1/assets", {"client_id": client.pk, "asset_type": "server", "name": "SRV"},
                          content_type="application/json")
    assert response.status_code == 201 and AuditEvent.objects.get().action == "created"


def test_the_list_export_and_api_share_the_filters_including_stale_only(staff):
    acme = ClientFactory(name="Acme")
    AssetFactory(client=acme, name="PC-FRESH", serial_number="S1")
    AssetFactory(client=acme, name="PC-STALE", stale_since=timezone.now())
    AssetFactory(name="PC-ELSEWHERE", stale_since=timezone.now())
    query = {"client": acme.pk, "stale": "1"}
    html = staff.get(reverse("assets:list"), query).content.decode()
    assert "PC-STALE" in html and "PC-FRESH" not in html and "PC-ELSEWHERE" not in html
    assert [r["name"] for r in rows(staff.get(reverse("assets:export"), query))] == ["PC-STALE"]
    assert [a["name"] for a in staff.get("/api/v1/assets", query).json()["items"]] == ["PC-STALE"]
    assert [a["name"] for a in staff.get("/api/v1/assets", {"q": "s1"}).json()["items"]] == ["PC-FRESH"]


def test_bad_filter_values_never_give_a_500(staff):
    AssetFactory(name="PC-1")
    bad = {"q": "x\x00y", "client": "9" * 30, "type": "spaceship"}
    page = staff.get(reverse("assets:list"), bad)
    assert page.status_code == 200 and "Some filters were ignored" in page.content.decode()
    assert "PC-1" in page.content.decode()
    assert [r["name"] for r in rows(staff.get(reverse("assets:export"), bad))] == ["PC-1"]
    response = staff.get("/api/v1/assets", bad)
    assert response.status_code == 422 and set(response.json()["errors"]) == {"q", "client", "type"}


def test_the_export_re_imports_unchanged(staff):
    AssetFactory(name="PC-1", rmm_id="r-1", purchased_on=date(2025, 1, 1), warranty_expires=date(2028, 1, 1))
    AssetFactory(name="=cmd|x", notes="-danger")
    text = b"".join(staff.get(reverse("assets:export")).streaming_content).decode()
    assert "'=cmd|x" in text
    result = run_import(kind="assets", text=text)
    assert (result.errors, result.unchanged, result.created, result.updated) == ([], 2, 0, 0)


def test_a_contact_sees_only_their_companys_assets(client):
    from bspos.clients.tests.factories import ContactFactory

    own = ContactFactory(user=UserFactory(role=Role.CLIENT_CONTACT))
    mine, _theirs = AssetFactory(client=own.client), AssetFactory()
    assert list(Asset.objects.visible_to(own.user)) == [mine]
    client.force_login(own.user)
    assert client.get(reverse("assets:detail", args=[mine.pk])).status_code == 404  # staff pages: 404
