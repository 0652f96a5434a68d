"""The data pack's documentation section: what of the client's environment ends in the 90 days after the period,
and how many of its credentials are at risk (weak, reused, stale, exposed)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from bspos.assets.tests.factories import AssetFactory
from bspos.documentation.tests.factories import DomainFactory, LicenceFactory
from bspos.reviews import selectors
from bspos.reviews.tests.builders import TODAY, company, review, vcio
from bspos.vault import crypto
from bspos.vault import services as vault

pytestmark = pytest.mark.django_db
PERIOD_END = date(2026, 9, 30)  # the review's period: 3 Jul - 30 Sep 2026
FIRST = PERIOD_END + timedelta(days=1)  # the 90 days ahead count from here, both ends included


@pytest.fixture(autouse=True)
def vault_key(monkeypatch, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    monkeypatch.delenv("BSPOS_VAULT_KEY_FILE", raising=False)
    monkeypatch.setenv("BSPOS_VAULT_KEYS", crypto.new_key_line("k1"))


def test_the_pack_lists_what_ends_in_the_90_days_after_the_period_and_the_credentials_at_risk(client):
    acme, other = company(), company("Globex")
    DomainFactory(client=acme, name="acme.example", expires_on=FIRST + timedelta(days=90))
    DomainFactory(client=acme, name="later.example", expires_on=FIRST + timedelta(days=91))
    LicenceFactory(client=acme, product="Office", renews_on=FIRST + timedelta(days=9))
    AssetFactory(client=acme, name="PC-1", warranty_expires=PERIOD_END)  # inside the period: already past
    DomainFactory(client=other, name="globex.example", expires_on=PERIOD_END + timedelta(days=5))
    by = vcio()
    now = timezone.now()
    vault.create_credential(by=by, client=acme, name="Printer", secret="password", now=now)
    vault.create_credential(by=by, client=acme, name="Firewall", secret="correct horse battery staple 42", now=now)
    vault.create_credential(by=by, client=other, name="Globex weak", secret="123456", now=now)
    meeting = review(acme)
    pack = selectors.data_pack(meeting, TODAY)["documentation"]
    assert [(item["kind"], item["name"], item["ends"], item["days_left"]) for item in pack["expiring"]] == [
        ("Licence", "Office", "2026-10-10", 9), ("Domain", "acme.example", "2026-12-30", 90)]
    assert pack["expiring_count"] == 2
    credentials = pack["credentials"]
    assert (credentials["total"], credentials["at_risk"], credentials["weak"]) == (2, 1, 1)
    assert [item["name"] for item in credentials["items"]] == ["Printer"]
    acme.account_manager = by
    acme.save()
    client.force_login(by)
    page = client.get(f"/reviews/{meeting.pk}/").content.decode()
    assert "Credentials at risk" in page and "acme.example" in page and "1</strong> of 2 stored credentials" in page
