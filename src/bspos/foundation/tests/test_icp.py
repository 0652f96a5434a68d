"""The Ideal Client Profile: one primary, and how much of the business points at it (clients, revenue, leads)."""

from datetime import date
from decimal import Decimal

import pytest

from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.foundation import selectors, services
from bspos.foundation.models import IdealClientProfile
from bspos.foundation.tests.factories import IcpFactory
from bspos.money.models import Invoice
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.scorecard.tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 3)


def client_with_users(vertical: str, users: int, **fields):
    client = ClientFactory(vertical=vertical, **fields)
    for _ in range(users):
        ContactFactory(client=client)
    return client


def invoice(client, month: date, amount: str) -> Invoice:
    return Invoice.objects.create(client=client, period_start=month, period_end=month.replace(day=28),
                                  subtotal=Decimal(amount), total=Decimal(amount))


def test_share_of_clients_revenue_and_leads_matching_the_icp_by_vertical_and_size():
    icp = IcpFactory(verticals="Legal, Accounting", min_users=5, max_users=50)
    law = client_with_users("legal", 10)  # any case
    tiny_law = client_with_users("Legal", 2)  # below the size range
    dentist = client_with_users("Dental", 20)
    client_with_users("Legal", 10, status="churned", client_since=date(2024, 1, 1), churned_on=date(2025, 1, 1))
    invoice(law, date(2026, 11, 1), "3000.00")
    invoice(tiny_law, date(2026, 11, 1), "500.00")
    invoice(dentist, date(2026, 10, 1), "500.00")
    OpportunityFactory(vertical="Accounting", users=12, awareness_on=date(2026, 10, 2))
    OpportunityFactory(vertical="Accounting", users=200, awareness_on=date(2026, 10, 3))
    OpportunityFactory(vertical="", awareness_on=date(2026, 11, 3))
    OpportunityFactory(vertical="Legal", users=8, awareness_on=date(2026, 11, 9))
    reach = selectors.icp_reach(icp, TODAY)
    assert reach["clients"] == Decimal("33.3")  # 1 of the 3 active clients
    assert reach["revenue"] == Decimal("75.0")  # 3,000 of 4,000 invoiced
    assert reach["leads"] == Decimal("50.0")  # 2 of 4 new leads
    november = next(t for t in reach["trend"] if t["month"] == date(2026, 11, 1))
    assert november["revenue"] == Decimal("85.7") and november["leads"] == Decimal("50.0")


def test_a_new_primary_icp_replaces_the_old_one_and_the_first_is_primary():
    owner = UserFactory(role=Role.OWNER)
    first = services.save_icp(by=owner, name="Law firms", description="x", business_problem="y", verticals="Legal")
    assert first.is_primary
    second = services.save_icp(by=owner, name="Accountants", description="x", business_problem="y",
                               verticals="Accounting", is_primary=True)
    first.refresh_from_db()
    assert second.is_primary and not first.is_primary
    assert IdealClientProfile.objects.filter(is_primary=True).count() == 1


def test_the_icp_page_shows_the_tests_and_the_reach_and_only_the_owner_edits(client):
    IcpFactory(name="Law firms", test_one_sentence=True, is_primary=True)
    client_with_users("Legal", 3)
    tech = UserFactory(role=Role.TECHNICIAN)
    client.force_login(tech)
    page = client.get("/foundation/icp/").content.decode()
    assert "Law firms" in page and "1 of 4 passed" in page and "100.0%" in page
    assert client.post("/foundation/icp/", {"name": "x"}).status_code == 403
    client.force_login(UserFactory(role=Role.OWNER))
    refused = client.post("/foundation/icp/", {"name": "Dentists", "description": "", "business_problem": "z",
                                               "verticals": "Dental", "min_users": 50, "max_users": 10})
    assert refused.status_code == 400 and not IdealClientProfile.objects.filter(name="Dentists").exists()
    assert "Dentists" in refused.content.decode()  # nothing typed is lost


def test_a_client_contact_meets_404_on_every_foundation_page(client):
    contact = ContactFactory()
    login = UserFactory(role=Role.CLIENT_CONTACT)
    contact.user = login
    contact.save()
    client.force_login(login)
    for url in ("/foundation/", "/foundation/icp/", "/foundation/solutions/", "/foundation/legal/",
                "/foundation/checklist/"):
        assert client.get(url).status_code == 404, url
