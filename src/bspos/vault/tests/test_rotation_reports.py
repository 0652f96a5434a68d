"""Rotation: the oldest secrets report, and what a deactivated user revealed (to rotate) until marked rotated."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.vault import selectors, services
from bspos.vault.models import Access, Credential

pytestmark = pytest.mark.django_db


def test_a_deactivated_users_reveals_are_listed_once_each_until_rotated(client, company, tech, firewall):
    leaver = UserFactory(username="leo", role=Role.TECHNICIAN)
    other = services.create_credential(by=tech, client=company, name="NAS", secret="nas-secret-1")
    services.reveal(firewall, by=leaver, address="192.0.2.1")
    services.reveal(firewall, by=leaver, address="192.0.2.1")
    services.totp_code(firewall, by=leaver, address=None)
    services.reveal(other, by=tech, address=None)  # still active: not at risk
    assert selectors.at_risk_after_offboarding() == []
    leaver.is_active = False
    leaver.save()
    rows = selectors.at_risk_after_offboarding()
    assert [(r["user"], r["credential"]) for r in rows] == [(leaver, firewall)]
    assert rows[0]["last_revealed"] == Access.objects.filter(user=leaver).latest("at").at
    client.force_login(tech)
    page = client.get(reverse("vault:offboarding")).content.decode()
    assert "Firewall admin" in page and "NAS" not in page
    client.post(reverse("vault:rotated", args=[firewall.pk]))
    assert selectors.at_risk_after_offboarding() == []


def test_the_oldest_rotations_come_first_with_their_age(client, company, tech):
    now = timezone.now()
    services.create_credential(by=tech, client=company, name="Fresh", secret="a-secret-1", now=now)
    old = services.create_credential(by=tech, client=company, name="Ancient", secret="a-secret-2",
                                     now=now - timedelta(days=400))
    assert list(selectors.oldest_rotations(Credential.objects.all()))[0] == old
    client.force_login(tech)
    page = client.get(reverse("vault:rotation")).content.decode()
    assert page.index("Ancient") < page.index("Fresh") and "400 days" in page


def test_a_new_secret_dates_the_rotation_and_keeps_the_other_sealed_fields(company, tech, firewall):
    earlier = firewall.rotated_at
    updated = services.update_credential(Credential.objects.get(pk=firewall.pk), by=tech, secret="brand new one",
                                         now=earlier + timedelta(days=3))
    assert updated.rotated_at == earlier + timedelta(days=3)
    opened = services.open_credential(Credential.objects.get(pk=firewall.pk))
    assert (opened.secret, opened.notes, opened.totp_seed) == ("brand new one", "Break-glass account",
                                                               "JBSWY3DPEHPK3PXP")


def test_reuse_is_flagged_by_keyed_hash_and_strength_is_scored(company, other_company, tech, client):
    weak = services.create_credential(by=tech, client=company, name="Printer", secret="password")
    services.create_credential(by=tech, client=other_company, name="Router", secret="password")
    unique = services.create_credential(by=tech, client=company, name="Vault", secret="x7$Kq!mZ2@pL9#wR")
    assert weak.reuse_hash and "password" not in weak.reuse_hash and len(weak.reuse_hash) == 64
    flags = dict(Credential.objects.with_reuse().values_list("name", "reused"))
    assert flags == {"Printer": True, "Router": True, "Vault": False}
    assert weak.strength == 0 and unique.strength == 4
    client.force_login(tech)
    page = client.get(reverse("vault:list"), {"client": company.pk}).content.decode()
    assert page.count("reused") == 1 and "weak" in page
