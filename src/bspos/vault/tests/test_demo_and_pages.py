"""The demo's vault and the links to it from the client and ticket pages."""

from datetime import date

import pytest
from django.urls import reverse

from bspos.demo.services import DemoSize, load_demo
from bspos.people.models import User
from bspos.servicedesk.tests.factories import TicketFactory
from bspos.vault import selectors, services
from bspos.vault.models import Credential, ShareLink

pytestmark = pytest.mark.django_db


def test_the_demo_has_credentials_a_totp_firewall_a_share_link_and_a_leaver_to_rotate_for(client):
    load_demo(DemoSize(clients=3, months=1, seed=7, today=date(2026, 11, 20)))
    assert Credential.objects.count() >= 3 * 5
    firewall = Credential.objects.filter(name="Firewall admin", has_totp=True).first()
    assert services.open_credential(firewall).totp_seed
    assert ShareLink.objects.filter(revoked_at__isnull=True).exists()
    assert {row["user"].username for row in selectors.at_risk_after_offboarding()} == {"former.tech"}
    assert Credential.objects.with_reuse().filter(name="Printer web admin", reused=True).count() >= 2
    client.force_login(User.objects.get(username="tech1"))
    page = client.get(reverse("vault:list"), {"client": firewall.client_id})
    assert page.status_code == 200 and "Firewall admin" in page.content.decode()


def test_the_ticket_page_links_its_credentials_and_the_clients_vault(client, tech, company):
    ticket = TicketFactory(client=company)
    credential = services.create_credential(by=tech, client=company, name="Firewall admin", secret="s3cret-fw",
                                            tickets=[ticket])
    client.force_login(tech)
    page = client.get(reverse("servicedesk:ticket", args=[ticket.number])).content.decode()
    assert reverse("vault:detail", args=[credential.pk]) in page
    assert f"{reverse('vault:list')}?client={company.pk}" in page
    client_page = client.get(reverse("clients:detail", args=[company.pk])).content.decode()
    assert f"{reverse('vault:list')}?client={company.pk}" in client_page
