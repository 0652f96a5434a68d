"""From a ticket, in a real browser (Debian's chromium): the client's firewall credential, its TOTP code, the
firewall's licence (related on the credential's page, both ways) and its certificate's expiry."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bspos.audit.models import AuditEvent
from bspos.documentation import services
from bspos.documentation.models import Certificate, Relation
from bspos.documentation.tests.factories import CertificateFactory, LicenceFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk.tests.factories import TicketFactory
from bspos.vault import crypto
from bspos.vault import services as vault
from bspos.vault.models import Access

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture(autouse=True)
def vault_key(monkeypatch, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    monkeypatch.delenv("BSPOS_VAULT_KEY_FILE", raising=False)
    monkeypatch.setenv("BSPOS_VAULT_KEYS", crypto.new_key_line("k1"))


def test_a_technician_goes_from_the_ticket_to_the_firewall_login_code_licence_and_certificate(
        browser, live_server, sign_in, company):
    tech = UserFactory(username="tess", first_name="Tess", role=Role.TECHNICIAN, password="pw")
    ticket = TicketFactory(client=company, subject="VPN down")
    login = vault.create_credential(by=tech, client=company, name="Firewall admin", username="admin",
                                    secret="x7#Lq9!vR2mZ", totp_seed="JBSWY3DPEHPK3PXP", tickets=[ticket])
    LicenceFactory(client=company, product="FortiGuard bundle", renews_on=timezone.localdate() + timedelta(days=40))
    certificate = CertificateFactory(client=company, host="vpn.acme.example")
    Certificate.objects.filter(pk=certificate.pk).update(not_after=timezone.now() + timedelta(days=12))

    page = browser.new_page()
    sign_in(page, "tess", "pw")
    page.goto(f"{live_server.url}/desk/tickets/{ticket.number}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Firewall admin").click()
    page.click("button:has-text('Show code')")
    page.locator(f"#totp-{login.pk}", has_text=re.compile(r"\b\d{6}\b")).wait_for()
    assert Access.objects.filter(credential=login, user=tech, action="totp").exists()  # refreshed: more

    page.select_option("#related select[name=to]", label="FortiGuard bundle")
    page.fill("#related input[name=note]", "licence of the firewall")
    with page.expect_navigation():
        page.click("#related button:has-text('Relate')")
    page.wait_for_selector("text=Related “Firewall admin” and “FortiGuard bundle”.")
    assert Relation.objects.count() == 1 and AuditEvent.objects.filter(content_type__model="relation").exists()
    with page.expect_navigation():
        page.locator("#related").get_by_role("link", name="FortiGuard bundle").click()
    assert "licence of the firewall" in page.locator("#related").inner_text()
    assert "Firewall admin" in page.locator("#related").inner_text()  # the other side shows it too

    page.goto(f"{live_server.url}/documentation/clients/{company.pk}/")
    expiring = page.locator("#expiring").inner_text()
    assert "vpn.acme.example:443" in expiring and "12" in expiring


def test_removing_on_the_licence_page_confirms_first(browser, live_server, sign_in, company):
    tech = UserFactory(username="tess", role=Role.TECHNICIAN, password="pw")
    licence = LicenceFactory(client=company, product="FortiGuard bundle")
    login = vault.create_credential(by=tech, client=company, name="Firewall admin", secret="x7#Lq9!vR2mZ")
    services.relate(login, licence, by=tech)
    page = browser.new_page()
    sign_in(page, "tess", "pw")
    page.goto(f"{live_server.url}/documentation/licences/{licence.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("#related button:has-text('Remove')").click()
    page.wait_for_selector("text=The relation is removed from both records.")
    assert not Relation.objects.exists()
