"""The forecast pages (staff, PDF, the client's portal, the SBR pack) and who reaches them: a client contact sees
only their own company's plan and meets 404 on every staff URL of the lifecycle, forecast and summary."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from bspos.agreements.models import AgreementKind
from bspos.agreements.tests.factories import AgreementFactory
from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.reviews.models import PlanSettings, Review

pytestmark = pytest.mark.django_db

STAFF_URLS = ["reviews:lifecycle", "reviews:forecast", "reviews:forecast-pdf", "reviews:summary",
              "reviews:summary-pdf"]


@pytest.fixture
def companies():
    mine, other = ClientFactory(name="Mine Ltd"), ClientFactory(name="Other Ltd")
    AgreementFactory(client=mine, kind=AgreementKind.FLAT, unit_price=Decimal("1111.00"), quantity=1,
                     start_date=date(2025, 1, 1))
    AgreementFactory(client=other, kind=AgreementKind.FLAT, unit_price=Decimal("7777.00"), quantity=1,
                     start_date=date(2025, 1, 1))
    contact = ContactFactory(client=mine, user=UserFactory(role=Role.CLIENT_CONTACT))
    return mine, other, contact.user


def test_the_portal_shows_only_the_contacts_own_companys_forecast(client, companies):
    mine, other, contact = companies
    client.force_login(contact)
    page = client.get(reverse("portal:it-plan-forecast")).content.decode()
    assert "Mine Ltd" in page and "3,333.00" in page and "<svg" in page
    assert "Other Ltd" not in page and "23,331.00" not in page
    pdf = client.get(reverse("portal:it-plan-forecast-pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert reverse("portal:it-plan-forecast") in client.get(reverse("portal:it-plan")).content.decode()


def test_a_contact_meets_404_on_every_staff_plan_url_of_any_company(client, companies):
    mine, other, contact = companies
    client.force_login(contact)
    for company in (other, mine):
        for name in STAFF_URLS:
            assert client.get(reverse(name, args=[company.pk])).status_code == 404, name
        assert client.post(reverse("reviews:forecast", args=[company.pk]),
                           {"renewal_increase": "50"}).status_code == 404
        for action in ("send", "opt-in"):
            assert client.post(reverse("reviews:summary-action", args=[company.pk]),
                               {"action": action}).status_code == 404
    assert not PlanSettings.objects.exists()


def test_staff_read_the_forecast_and_only_the_vcio_changes_its_price_rise(client, companies):
    mine, _, _ = companies
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    page = client.get(reverse("reviews:forecast", args=[mine.pk])).content.decode()
    assert "3,333.00" in page and "<svg" in page and "renewal_increase" not in page
    assert client.post(reverse("reviews:forecast", args=[mine.pk]), {"renewal_increase": "5"}).status_code == 403
    client.force_login(UserFactory(role=Role.VCIO))
    refused = client.post(reverse("reviews:forecast", args=[mine.pk]), {"renewal_increase": "abc"})
    assert refused.status_code == 400 and "percentage from 0 to 100" in refused.content.decode()
    assert client.post(reverse("reviews:forecast", args=[mine.pk]), {"renewal_increase": "101"}).status_code == 400
    assert not PlanSettings.objects.exists()
    assert client.post(reverse("reviews:forecast", args=[mine.pk]), {"renewal_increase": "4.5"}).status_code == 302
    assert PlanSettings.objects.get(client=mine).renewal_increase == Decimal("4.50")
    pdf = client.get(reverse("reviews:forecast-pdf", args=[mine.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_sbr_pack_carries_the_forecast_and_its_chart(client, companies):
    mine, _, _ = companies
    review = Review.objects.create(client=mine, due_on=date(2026, 12, 1))
    client.force_login(UserFactory(role=Role.VCIO))
    page = client.get(reverse("reviews:review", args=[review.pk])).content.decode()
    assert "Budget forecast" in page and "3,333.00" in page and "Budget forecast per quarter" in page
