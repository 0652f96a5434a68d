"""RMM asset sync: upsert by RMM id with the client mapping; assets the RMM stopped seeing become stale."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient
from django.utils import timezone

from bspos.api.services import create_token
from bspos.assets.models import Asset
from bspos.clients.models import Client
from bspos.people.models import Role, User

URL = "/api/v1/assets/sync"


def http(role: str = Role.SERVICE_MANAGER, scope: str = "write") -> HttpClient:
    person = User.objects.filter(username=f"rmm-{role}-{scope}").first() or User.objects.create_user(
        f"rmm-{role}-{scope}", password="x" * 12, role=role)
    return HttpClient(headers={"Authorization": f"Bearer {create_token(user=person, name='rmm', scope=scope)[1]}"})


def sync(api, *assets):
    return api.post(URL, data=json.dumps({"assets": list(assets)}), content_type="application/json")


def test_sync_creates_then_updates_by_rmm_id_and_maps_clients(acme, web1):
    other = Client.objects.create(name="Bistro Ltd")
    seen = timezone.now().replace(microsecond=0)
    response = sync(http(),
                    {"rmm_id": "agent-web1", "hostname": "web1-renamed", "asset_type": "server",
                     "operating_system": "Debian 12", "serial_number": "SN1", "last_seen": seen.isoformat()},
                    {"rmm_id": "agent-pos1", "hostname": "pos1", "asset_type": "workstation", "client": "bistro ltd"},
                    {"rmm_id": "agent-lap9", "hostname": "lap9", "client_id": acme.pk, "asset_type": "laptop"})
    assert response.status_code == 200, response.content
    assert response.json() == {"created": ["agent-pos1", "agent-lap9"], "updated": ["agent-web1"], "rejected": [],
                               "marked_stale": 0}
    web1.refresh_from_db()
    assert (web1.name, web1.operating_system, web1.serial_number, web1.last_seen, web1.client) == (
        "web1-renamed", "Debian 12", "SN1", seen, acme)
    assert Asset.objects.get(rmm_id="agent-pos1").client == other
    again = sync(http(Role.OWNER), {"rmm_id": "agent-pos1", "hostname": "pos1", "asset_type": "workstation"})
    assert again.json()["updated"] == ["agent-pos1"] and Asset.objects.count() == 3


def test_a_bad_row_is_rejected_by_name_and_the_others_apply(acme):
    response = sync(http(), {"rmm_id": "new-1", "hostname": "nobody"},
                    {"rmm_id": "new-2", "hostname": "ghost", "client": "No Such Client"},
                    {"rmm_id": "new-3", "hostname": "ok", "client_id": acme.pk})
    body = response.json()
    assert body["created"] == ["new-3"]
    assert [(r["index"], r["key"]) for r in body["rejected"]] == [(0, "new-1"), (1, "new-2")]
    assert "client" in body["rejected"][1]["errors"]
    assert list(Asset.objects.values_list("rmm_id", flat=True)) == ["new-3"]


def test_a_malformed_sync_writes_nothing_and_only_writers_may_sync(acme):
    assert sync(http(), {"hostname": "no rmm id", "client_id": acme.pk}).status_code == 422
    assert http().post(URL, data="[", content_type="application/json").status_code in (400, 422)
    assert sync(http(Role.TECHNICIAN), {"rmm_id": "x", "hostname": "x", "client_id": acme.pk}).status_code == 403
    assert sync(http(scope="read"), {"rmm_id": "x", "hostname": "x", "client_id": acme.pk}).status_code == 403
    assert not Asset.objects.exists()


def test_assets_the_rmm_has_not_seen_for_n_days_become_stale_and_come_back(acme, settings):
    settings.BSPOS_ASSET_STALE_DAYS = 10
    now = timezone.now()
    old = Asset.objects.create(client=acme, name="old", asset_type="server", rmm_id="old",
                               last_seen=now - timedelta(days=11))
    recent = Asset.objects.create(client=acme, name="recent", asset_type="server", rmm_id="r",
                                  last_seen=now - timedelta(days=9))
    manual = Asset.objects.create(client=acme, name="by hand", asset_type="server", last_seen=now - timedelta(days=99))
    response = sync(http(), {"rmm_id": "new", "hostname": "new", "client_id": acme.pk, "last_seen": now.isoformat()})
    assert response.json()["marked_stale"] == 1
    assert {a.name for a in Asset.objects.filter(stale_since__isnull=False)} == {"old"}
    recent.refresh_from_db()
    manual.refresh_from_db()
    assert recent.stale_since is None and manual.stale_since is None
    sync(http(Role.OWNER), {"rmm_id": "old", "hostname": "old", "last_seen": now.isoformat()})
    old.refresh_from_db()
    assert old.stale_since is None
    Asset.objects.filter(pk=recent.pk).update(last_seen=now - timedelta(days=12))
    call_command("mark-stale-assets", stdout=open("/dev/null", "w"))  # noqa: SIM115
    recent.refresh_from_db()
    assert recent.stale_since is not None
    page = http()
    page.force_login(User.objects.get(username=f"rmm-{Role.SERVICE_MANAGER}-write"))
    listed = page.get("/assets/?stale=1").content.decode()
    assert ">recent<" in listed and ">old<" not in listed and "stale</span>" in listed
    assert "the RMM no longer reports it" in page.get(f"/assets/{recent.pk}/").content.decode()


@pytest.mark.parametrize("row", [{"rmm_id": "a", "hostname": "h", "asset_type": "toaster"},
                                 {"rmm_id": "a", "hostname": "h", "last_seen": "2026-11-25T10:00:00"},
                                 {"rmm_id": "a" * 101, "hostname": "h"}])
def test_rows_with_bad_fields_are_refused_with_a_clear_message(acme, row):
    response = sync(http(), {**row, "client_id": acme.pk})
    assert response.status_code == 422 and response.json()["errors"]
    assert not Asset.objects.exists()
