"""The roadmap and the IT budget follow the client's fiscal year (a year named for the calendar year it ends in)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from bspos.clients.tests.factories import ClientFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.vcio import selectors
from bspos.vcio.models import RoadmapItem
from bspos.vcio.tests.factories import RoadmapItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(role=Role.VCIO))
    return client


def test_an_item_planned_on_any_day_lands_in_the_clients_fiscal_quarter_shown_with_its_dates(staff):
    july = ClientFactory(fiscal_year_start=7)
    response = staff.post(reverse("vcio:roadmap", args=[july.pk]), {
        "area": "Continuous", "title": "Offsite backup", "priority": 2, "quarter": "2026-08-15",
        "one_time": "1000", "monthly": "0", "status": "planned"})
    assert response.status_code == 302
    assert RoadmapItem.objects.get().quarter == date(2026, 7, 1)
    page = staff.get(reverse("vcio:roadmap", args=[july.pk])).content.decode()
    assert "FY2027 Q1" in page and "1 Jul – 30 Sep 2026" in page


def test_the_budget_counts_one_time_in_the_fiscal_year_and_monthly_from_the_quarter_on():
    july = ClientFactory(fiscal_year_start=7)
    RoadmapItemFactory(client=july, quarter=date(2027, 4, 1), one_time=Decimal("500"), monthly=Decimal("10"))
    RoadmapItemFactory(client=july, quarter=date(2027, 7, 1), one_time=Decimal("300"),
                       status=RoadmapItem.Status.CANCELLED)
    fy2027, fy2028 = selectors.budget_by_year(july, 2027, 2)
    assert (fy2027["first"], fy2027["last"]) == (date(2026, 7, 1), date(2027, 6, 30))
    # April 2027 is the last quarter of FY2027: 3 months of 10; FY2028: 12 months
    assert (fy2027["one_time"], fy2027["recurring"]) == (Decimal("500.00"), Decimal("30.00"))
    assert (fy2028["one_time"], fy2028["recurring"], fy2028["total"]) == (0, Decimal("120.00"), Decimal("120.00"))


def test_the_fiscal_year_start_is_set_on_the_client_and_refused_outside_one_to_twelve(staff):
    company = ClientFactory()
    assert staff.patch(f"/api/v1/clients/{company.pk}", {"fiscal_year_start": 13},
                       content_type="application/json").status_code == 422
    answer = staff.patch(f"/api/v1/clients/{company.pk}", {"fiscal_year_start": 4}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["fiscal_year_start"] == 4
