"""The three-year budget forecast equals the example worked out by hand (plan_builders), by quarter and year."""

from datetime import date
from decimal import Decimal

import pytest

from bspos.agreements.models import AgreementKind
from bspos.agreements.tests.factories import AgreementFactory
from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.reviews.forecast import budget_forecast
from bspos.reviews.tests.plan_builders import EXPECTED, TODAY, YEARS, forecast_client

pytestmark = pytest.mark.django_db


def test_the_forecast_equals_the_hand_computed_example_by_quarter_and_year():
    forecast = budget_forecast(forecast_client(), today=TODAY)
    got = {row["label"]: tuple(str(row[key]) for key in ("agreements", "one_time", "monthly", "hardware", "total"))
           for row in forecast["quarters"]}
    assert got == EXPECTED
    assert {year["label"]: str(year["total"]) for year in forecast["years"]} == YEARS
    assert forecast["total"] == sum(Decimal(total) for total in YEARS.values())
    assert forecast["quarters"][0]["span"] == "1 Jul – 30 Sep 2026"
    assert forecast["unknown_devices"] == {"count": 1, "estimate": Decimal("1200.00")}  # PC-NODATE, left out


def test_without_a_price_rise_a_renewal_keeps_the_fee_and_an_end_date_stops_it():
    client = ClientFactory(fiscal_year_start=1)
    AgreementFactory(client=client, kind=AgreementKind.FLAT, unit_price=Decimal("500.00"), quantity=Decimal("2"),
                     start_date=date(2026, 2, 1), end_date=date(2027, 5, 10), renewal_date=date(2027, 2, 1))
    quarters = budget_forecast(client, today=date(2026, 3, 1))["quarters"]
    fees = [str(row["agreements"]) for row in quarters[:7]]
    # 2026 Q1 from February; the month of the end date counts whole; nothing after it
    assert fees == ["2000.00", "3000.00", "3000.00", "3000.00", "3000.00", "2000.00", "0.00"]


def test_a_per_user_agreement_counts_todays_billable_users():
    client = ClientFactory()
    ContactFactory(client=client, is_billable_user=True)
    ContactFactory(client=client, is_billable_user=True)
    ContactFactory(client=client, is_billable_user=False)
    AgreementFactory(client=client, kind=AgreementKind.PER_USER, unit_price=Decimal("45.50"),
                     start_date=date(2025, 1, 1))
    quarters = budget_forecast(client, today=date(2026, 11, 20))["quarters"]
    assert {row["agreements"] for row in quarters} == {Decimal("273.00")}  # 2 users × 45.50 × 3 months
