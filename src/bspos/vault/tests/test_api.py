"""The vault's API: lists and rows without secrets, writes through the services, reveal for a re-authenticated
session only (audited), and 404 for contacts."""

import time

import pytest

from bspos.api.services import create_token
from bspos.people import reauth
from bspos.vault import services
from bspos.vault.models import Access, Credential

pytestmark = pytest.mark.django_db
SECRET = "correct horse battery staple 42"


def _bearer(user, scope="write"):
    return {"Authorization": f"Bearer {create_token(user=user, name='t', scope=scope)[1]}"}


def test_the_list_and_a_row_carry_no_secret(client, tech, firewall, company):
    services.create_credential(by=tech, client=company, name="Copy", secret=SECRET)
    headers = _bearer(tech, "read")
    listing = client.get("/api/v1/credentials", {"client": company.pk, "q": "fire"}, headers=headers)
    assert listing.status_code == 200
    assert [row["name"] for row in listing.json()["items"]] == ["Firewall admin"]
    assert listing.json()["items"][0]["reused"] is True and listing.json()["items"][0]["has_totp"] is True
    row = client.get(f"/api/v1/credentials/{firewall.pk}", headers=headers)
    for response in (listing, row):
        body = response.content.decode()
        assert SECRET not in body and "JBSWY3DPEHPK3PXP" not in body and "Break-glass" not in body


def test_create_and_update_through_the_api(client, tech, company):
    headers = _bearer(tech)
    created = client.post("/api/v1/credentials", {"client_id": company.pk, "name": "NAS", "secret": "nas-pass-1"},
                          content_type="application/json", headers=headers)
    assert created.status_code == 201 and "nas-pass-1" not in created.content.decode()
    credential = Credential.objects.get(pk=created.json()["id"])
    changed = client.patch(f"/api/v1/credentials/{credential.pk}", {"secret": "nas-pass-2", "tags": "storage"},
                           content_type="application/json", headers=headers)
    assert changed.status_code == 200 and changed.json()["tags"] == "storage"
    assert services.open_credential(Credential.objects.get(pk=credential.pk)).secret == "nas-pass-2"
    bad = client.post("/api/v1/credentials", {"client_id": company.pk, "name": "X", "secret": "s", "totp_seed": "1"},
                      content_type="application/json", headers=headers)
    assert bad.status_code == 422 and "totp_seed" in bad.json()["errors"]


def test_reveal_is_for_a_recently_confirmed_session_and_is_audited(client, tech, firewall):
    token = client.post(f"/api/v1/credentials/{firewall.pk}/reveal", headers=_bearer(tech))
    assert token.status_code == 403 and SECRET not in token.content.decode()
    client.force_login(tech)
    session = client.session
    session[reauth.SESSION_KEY] = int(time.time()) - 3600
    session.save()
    stale = client.post(f"/api/v1/credentials/{firewall.pk}/reveal")
    assert stale.status_code == 403 and "/account/confirm/" in stale.json()["detail"]
    assert not Access.objects.exists()
    reauth_session = client.session
    reauth_session[reauth.SESSION_KEY] = int(time.time())
    reauth_session.save()
    revealed = client.post(f"/api/v1/credentials/{firewall.pk}/reveal", REMOTE_ADDR="198.51.100.8")
    assert revealed.status_code == 200
    body = revealed.json()
    assert body["secret"] == SECRET and len(body["totp_code"]) == 6 and 0 < body["totp_seconds_left"] <= 30
    assert set(Access.objects.values_list("action", "address")) == {("reveal", "198.51.100.8"),
                                                                     ("totp", "198.51.100.8")}


def test_a_contact_meets_404_on_every_vault_endpoint(client, contact, firewall):
    firewall.shared_with_client = True
    firewall.save()
    headers = _bearer(contact)
    assert client.get("/api/v1/credentials", headers=headers).status_code == 404
    assert client.get(f"/api/v1/credentials/{firewall.pk}", headers=headers).status_code == 404
    assert client.patch(f"/api/v1/credentials/{firewall.pk}", {"name": "x"}, content_type="application/json",
                        headers=headers).status_code == 404
    assert client.post(f"/api/v1/credentials/{firewall.pk}/reveal", headers=headers).status_code == 404
