"""Adding, editing, retiring and deleting assets in the app and the API: who may (assets.write), what a refused
form shows, what the audit trail keeps, and that an asset a ticket names is retired, never deleted."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bspos.assets.models import Asset, Lifecycle
from bspos.assets.tests.factories import AssetFactory
from bspos.audit.models import AuditEvent
from bspos.clients.tests.factories import ClientFactory, ContactFactory, SiteFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def signed_in(client, role: str):
    user = UserFactory(role=role)
    client.force_login(user)
    return user


def asset_form(**fields) -> dict:
    return {"name": "PC-0001", "asset_type": "laptop", "lifecycle": "active", **fields}


def test_the_new_asset_form_opened_from_a_client_is_prefilled_with_it(client):
    acme = ClientFactory(name="Acme")
    SiteFactory(client=acme, name="HQ")
    SiteFactory(name="Elsewhere")
    signed_in(client, Role.TECHNICIAN)
    page = client.get(reverse("assets:new") + f"?client={acme.pk}").content.decode()
    assert f'<option value="{acme.pk}" selected>Acme</option>' in page
    assert "HQ" in page and "Elsewhere" not in page  # only the client's own sites


def test_a_technician_adds_an_asset_and_it_is_audited(client):
    acme = ClientFactory()
    tech = signed_in(client, Role.TECHNICIAN)
    response = client.post(reverse("assets:new"), asset_form(client=acme.pk, purchased_on="2025-03-01",
                                                             rmm_id=""))
    asset = Asset.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("assets:detail", args=[asset.pk])
    assert (asset.client, asset.purchased_on, asset.rmm_id) == (acme, date(2025, 3, 1), None)
    event = AuditEvent.objects.get()
    assert (event.actor, event.action) == (tech, "created")


def test_a_refused_asset_form_answers_400_with_the_rule_and_saves_nothing(client):
    acme = ClientFactory()
    AssetFactory(rmm_id="rmm-1")
    signed_in(client, Role.TECHNICIAN)
    response = client.post(reverse("assets:new"), asset_form(client=acme.pk, purchased_on="2025-03-01",
                                                             warranty_expires="2024-03-01", rmm_id="rmm-1"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "warranty cannot end before the purchase" in page and "already has this RMM id" in page
    assert Asset.objects.count() == 1 and not AuditEvent.objects.exists()


def test_editing_an_asset_records_what_changed(client):
    asset = AssetFactory(name="PC-0001", operating_system="Windows 10")
    signed_in(client, Role.TECHNICIAN)
    response = client.post(reverse("assets:edit", args=[asset.pk]),
                           asset_form(asset_type="workstation", operating_system="Windows 11"))
    assert response.status_code == 302
    assert AuditEvent.objects.get().changes == {"operating_system": ["Windows 10", "Windows 11"]}
    assert "Windows 10 → Windows 11" in client.get(reverse("assets:detail", args=[asset.pk])).content.decode()


def test_retiring_records_the_day_and_keeps_the_tickets(client):
    asset = AssetFactory(purchased_on=date(2022, 5, 1))
    ticket = TicketFactory(client=asset.client, asset=asset)
    signed_in(client, Role.TECHNICIAN)
    refused = client.post(reverse("assets:retire", args=[asset.pk]), {"on": "2021-01-01"})
    assert refused.status_code == 400 and "cannot be retired before it was purchased" in refused.content.decode()
    assert client.post(reverse("assets:retire", args=[asset.pk]), {"on": "2026-11-30"}).status_code == 302
    asset.refresh_from_db()
    assert (asset.lifecycle, asset.retired_on) == (Lifecycle.RETIRED, date(2026, 11, 30))
    assert list(asset.tickets.all()) == [ticket]
    retired = AuditEvent.objects.get(content_type__model="asset")
    assert retired.changes == {"lifecycle": ["active", "retired"], "retired_on": [None, "2026-11-30"]}
    page = client.get(reverse("assets:detail", args=[asset.pk])).content.decode()
    assert "Retired since 30 Nov 2026" in page


def test_back_in_service_has_no_retirement_day(client):
    asset = AssetFactory(lifecycle=Lifecycle.RETIRED, retired_on=date(2026, 1, 1))
    signed_in(client, Role.TECHNICIAN)
    client.post(reverse("assets:edit", args=[asset.pk]), asset_form(name=asset.name, asset_type="workstation"))
    asset.refresh_from_db()
    assert (asset.lifecycle, asset.retired_on) == (Lifecycle.ACTIVE, None)


def test_an_asset_a_ticket_names_is_never_deleted(client):
    named = AssetFactory()
    TicketFactory(client=named.client, asset=named)
    mistake = AssetFactory()
    signed_in(client, Role.TECHNICIAN)
    response = client.post(reverse("assets:delete", args=[named.pk]), follow=True)
    assert "cannot be deleted; retire it instead" in response.content.decode()
    assert client.delete(f"/api/v1/assets/{named.pk}").status_code == 422
    assert client.post(reverse("assets:delete", args=[mistake.pk])).status_code == 302
    assert list(Asset.objects.all()) == [named]
    assert AuditEvent.objects.get(content_type__model="asset").action == "deleted"


def test_staff_without_assets_write_get_403_and_a_contact_404(client):
    asset = AssetFactory()
    signed_in(client, Role.FINANCE)
    urls = [reverse("assets:new"), reverse("assets:edit", args=[asset.pk]), reverse("assets:retire", args=[asset.pk]),
            reverse("assets:delete", args=[asset.pk])]
    for url in urls:
        response = client.post(url, asset_form(client=asset.client_id, on="2026-01-01"))
        assert response.status_code == 403 and "assets.write" in response.content.decode()
    refused = client.post(f"/api/v1/assets/{asset.pk}/retire", {}, content_type="application/json")
    assert refused.status_code == 403 and "assets.write" in refused.json()["detail"]
    client.force_login(ContactFactory(client=asset.client, user=UserFactory(role=Role.CLIENT_CONTACT)).user)
    for url in urls:
        assert client.post(url, asset_form(client=asset.client_id, on="2026-01-01")).status_code == 404
    assert client.post(f"/api/v1/assets/{asset.pk}/retire", {}, content_type="application/json").status_code == 404
    asset.refresh_from_db()
    assert asset.lifecycle == Lifecycle.ACTIVE and not AuditEvent.objects.exists()


def test_the_api_retires_with_the_same_service(client):
    asset = AssetFactory()
    signed_in(client, Role.TECHNICIAN)
    answer = client.post(f"/api/v1/assets/{asset.pk}/retire", {"on": "2026-11-30"}, content_type="application/json")
    assert answer.status_code == 200
    assert (answer.json()["lifecycle"], answer.json()["retired_on"]) == ("retired", "2026-11-30")
    assert AuditEvent.objects.get().actor.role == Role.TECHNICIAN


def test_the_asset_list_costs_the_same_queries_as_it_grows(client):
    signed_in(client, Role.TECHNICIAN)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("assets:list")).status_code == 200
        return len(captured)

    AssetFactory()
    few = queries()
    AssetFactory.create_batch(5)
    assert queries() == few
