"""The demo's documentation connects: each client's edge firewall shows its admin login and its network; expiry
notices already due count as told except for the first three clients, which the daily job tells about."""

from datetime import date

import pytest

from bspos.clients.models import Client
from bspos.demo.services import DemoSize, load_demo
from bspos.documentation.models import ExpiryNotice, Record
from bspos.documentation.selectors import related_records
from bspos.documentation.services import notify_expiring
from bspos.notifications.models import Notification
from bspos.people.models import User
from bspos.vault import crypto

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


def test_the_demo_relates_records_and_leaves_a_few_expiry_notices_to_tell(monkeypatch, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    monkeypatch.delenv("BSPOS_VAULT_KEY_FILE", raising=False)
    monkeypatch.setenv("BSPOS_VAULT_KEYS", crypto.new_key_line("k1"))
    load_demo(DemoSize(clients=6, months=1, seed=7, today=TODAY))
    tech = User.objects.get(username="tech1")
    firewall = Record.objects.filter(name="Edge firewall").order_by("pk").first()
    assert [(item.kind, item.name, item.note) for item in related_records(firewall, user=tech)] == [
        ("credential", "Firewall admin", "admin login"), ("network", "Office LAN (10.0.0.0/24)", "gateway of")]
    first_three = list(Client.objects.order_by("pk").values_list("name", flat=True)[:3])
    before = ExpiryNotice.objects.count()
    told = notify_expiring(today=TODAY)
    assert told >= 1 and ExpiryNotice.objects.count() == before + told
    texts = set(Notification.objects.filter(event="expiring").values_list("text", flat=True))
    assert texts and all(any(f" of {name} ends" in text for name in first_three) for text in texts)
    assert notify_expiring(today=TODAY) == 0
