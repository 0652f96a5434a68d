"""Revealing a secret: only after a recent re-authentication, every reveal, copy and TOTP code recorded with who,
when and from where; list pages never carry a secret; contacts see only what is shared to their company."""

import base64
import hashlib
import hmac
import struct
import time

import pytest
from django.urls import reverse

from bspos.people import reauth
from bspos.vault import services
from bspos.vault.models import Access

pytestmark = pytest.mark.django_db
SECRET = "correct horse battery staple 42"


def _rfc6238(seed: str, moment: float) -> str:
    """The TOTP code by the RFC's own steps (30 s, SHA-1, 6 digits), independent of the vault's code."""
    digest = hmac.new(base64.b32decode(seed), struct.pack(">Q", int(moment) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0xF
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def _age_stamp(client, seconds=3600):
    session = client.session
    session[reauth.SESSION_KEY] = int(time.time()) - seconds
    session.save()


def test_the_list_and_detail_pages_never_carry_the_secret(client, tech, firewall):
    client.force_login(tech)
    listing = client.get(reverse("vault:list"), {"client": firewall.client_id})
    assert "Firewall admin" in listing.content.decode()
    detail = client.get(reverse("vault:detail", args=[firewall.pk]))
    for page in (listing, detail):
        assert SECRET not in page.content.decode() and "Break-glass" not in page.content.decode()


def test_a_reveal_shows_the_secret_and_records_who_when_and_from_where(client, tech, firewall):
    client.force_login(tech)
    response = client.post(reverse("vault:reveal", args=[firewall.pk]), REMOTE_ADDR="198.51.100.7",
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert SECRET in response.content.decode() and "Break-glass account" in response.content.decode()
    access = Access.objects.get()
    assert (access.user, access.credential, access.action, access.address) == (tech, firewall, "reveal",
                                                                               "198.51.100.7")


def test_a_reveal_without_a_recent_reauthentication_is_refused_and_sent_to_confirm(client, tech, firewall):
    client.force_login(tech)
    _age_stamp(client)
    response = client.post(reverse("vault:reveal", args=[firewall.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert response["HX-Redirect"].startswith(reverse("people:confirm"))
    assert SECRET not in response.content.decode()
    assert not Access.objects.exists()
    totp = client.get(reverse("vault:totp", args=[firewall.pk]))
    assert totp.status_code == 302 and totp["Location"].startswith(reverse("people:confirm"))


def test_the_totp_code_is_the_seeds_current_code_with_its_seconds_left(client, tech, firewall):
    client.force_login(tech)
    response = client.get(reverse("vault:totp", args=[firewall.pk]))
    page = response.content.decode()
    now = time.time()
    assert _rfc6238("JBSWY3DPEHPK3PXP", now) in page or _rfc6238("JBSWY3DPEHPK3PXP", now - 2) in page
    assert "data-countdown" in page and "<script" not in page
    assert Access.objects.get().action == "totp"


def test_a_copy_is_recorded(client, tech, firewall):
    client.force_login(tech)
    assert client.post(reverse("vault:copied", args=[firewall.pk])).status_code == 204
    assert Access.objects.get().action == "copy"


def test_a_wrong_key_shows_that_the_vault_is_closed_and_nothing_else(client, tech, firewall, monkeypatch):
    from bspos.vault import crypto

    monkeypatch.setenv("BSPOS_VAULT_KEYS", crypto.new_key_line("k1"))
    client.force_login(tech)
    response = client.post(reverse("vault:reveal", args=[firewall.pk]))
    assert response.status_code == 503
    assert "vault key is missing or wrong" in response.content.decode()
    assert SECRET not in response.content.decode()
    assert not Access.objects.exists()
    edit = client.post(reverse("vault:edit", args=[firewall.pk]), {"name": "Renamed", "notes": "new notes"})
    assert edit.status_code == 503
    firewall.refresh_from_db()
    assert firewall.name == "Firewall admin"


def test_a_contact_sees_and_reveals_only_what_is_shared_to_their_company(client, contact, firewall, company, tech):
    shared = services.create_credential(by=tech, client=company, name="Wi-Fi guest", secret="guest-pass-123",
                                        shared_with_client=True)
    client.force_login(contact)
    listing = client.get(reverse("vault:list")).content.decode()
    assert "Wi-Fi guest" in listing and "Firewall admin" not in listing
    assert client.get(reverse("vault:detail", args=[firewall.pk])).status_code == 404
    assert client.post(reverse("vault:reveal", args=[firewall.pk])).status_code == 404
    response = client.post(reverse("vault:reveal", args=[shared.pk]))
    assert "guest-pass-123" in response.content.decode()
    assert Access.objects.get().user == contact


def test_another_companys_contact_gets_404_on_every_vault_url(client, outsider, firewall, tech):
    firewall.shared_with_client = True
    firewall.save()
    link, token = services.create_share_link(firewall, by=tech, expires_in=services.SHARE_SHORTEST)
    client.force_login(outsider)
    for name in ("detail", "edit", "delete", "reveal", "copied", "totp", "rotated", "share"):
        url = reverse(f"vault:{name}", args=[firewall.pk])
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    for name in ("new", "rotation", "offboarding", "import"):
        assert client.get(reverse(f"vault:{name}")).status_code == 404, name
    assert client.post(reverse("vault:share-revoke", args=[link.pk])).status_code == 404
    assert "Firewall admin" not in client.get(reverse("vault:list")).content.decode()
    assert not Access.objects.exists()


def test_adding_editing_and_deleting_a_credential_from_the_pages(client, tech, company):
    client.force_login(tech)
    response = client.post(f"{reverse('vault:new')}?client={company.pk}",
                           {"name": "NAS", "username": "root", "secret": "Tr0ub4dor&3-long-enough", "tags": "nas",
                            "new_folder": "Storage"})
    assert response.status_code == 302
    credential = company.credentials.get()
    assert credential.folder.name == "Storage" and credential.strength is not None
    refused = client.post(reverse("vault:edit", args=[credential.pk]), {"name": ""})
    assert refused.status_code == 400
    client.post(reverse("vault:edit", args=[credential.pk]), {"name": "NAS root", "username": "root"})
    credential.refresh_from_db()
    assert credential.name == "NAS root"
    assert services.open_credential(credential).secret == "Tr0ub4dor&3-long-enough"  # blank keeps the secret
    page = client.get(reverse("vault:detail", args=[credential.pk])).content.decode()
    assert 'hx-confirm="Delete' in page
    client.post(reverse("vault:delete", args=[credential.pk]))
    assert not company.credentials.exists()


@pytest.mark.parametrize(("into_step", "left"), [(0.0, 30), (29.7, 1), (29.999, 1), (12.5, 18)])
def test_the_seconds_left_are_never_zero_while_the_code_is_valid(tech, firewall, into_step, left):
    from datetime import UTC, datetime

    moment = datetime.fromtimestamp(1_800_000_000 + into_step, tz=UTC)  # 1_800_000_000 is a step boundary
    code, seconds_left = services.totp_code(firewall, by=tech, address=None, now=moment)
    assert code == _rfc6238("JBSWY3DPEHPK3PXP", moment.timestamp()) and seconds_left == left
