from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bspos.agreements.models import Agreement, AgreementKind
from bspos.catalogue.models import App, AppFee, AppSubscription
from bspos.core.dates import months_ending as window
from bspos.money.models import CostBasis, ToolCost
from bspos.money.reports import FLAG_POINTS, client_months, guard, guards_for, margin_report
from bspos.money.services import credit_invoice, issue_invoices, run_billing
from bspos.money.tests.builders import OCTOBER, client_with, log, ticket

amounts = st.decimals(min_value=0, max_value=1_000_000, places=2, allow_nan=False, allow_infinity=False)


@given(price=amounts, cost=amounts, value=st.none() | amounts)
def test_guard_floor_is_three_times_monthly_cost_and_ceiling_a_third_of_value(price, cost, value):
    result = guard(price, cost, value)
    assert abs(result.direct_cost - cost / 3) <= Decimal("0.005")
    assert result.floor == result.direct_cost * 3
    assert result.below_floor == (price < result.floor)
    if value is None:
        assert result.ceiling is None and not result.above_ceiling
    else:
        assert abs(result.ceiling * 3 - value) <= Decimal("0.015")
        assert result.above_ceiling == (price > result.ceiling)
    assert result.verdict == ("below floor" if result.below_floor else "above ceiling" if result.above_ceiling
                              else "no value entered" if value is None else "within")


@given(cost=amounts, value=amounts)
def test_a_price_between_floor_and_ceiling_is_never_flagged(cost, value):
    result = guard(Decimal(0), cost, value)
    if result.ceiling is not None and result.floor <= result.ceiling:
        midpoint = ((result.floor + result.ceiling) / 2).quantize(Decimal("0.01"))
        within = guard(midpoint, cost, value)
        assert not within.below_floor and not within.above_ceiling


def test_window_counts_back_across_a_year_end():
    assert window(date(2026, 2, 1), 4) == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


@pytest.mark.django_db
def test_margin_per_client_from_invoices_commission_labour_and_tools_with_tier_flags():
    steady = client_with(AgreementKind.FLAT, name="Steady", unit_price="1000.00")
    log(ticket(steady), 600, cost_rate="30.00")  # labour 300.00
    ToolCost.objects.create(client=steady.client, name="RMM", basis=CostBasis.PER_ASSET, unit_cost=Decimal("5"),
                            start_date=date(2025, 1, 1))  # no assets: 0
    ToolCost.objects.create(client=steady.client, name="Docs", basis=CostBasis.FLAT, unit_cost=Decimal("100"),
                            start_date=date(2025, 1, 1))
    app = App.objects.create(name="CRM", vendor="V", licence_price=Decimal("50"), commission_rate=Decimal("10"))
    AppSubscription.objects.create(client=steady.client, app=app, users=2, start_date=date(2025, 1, 1))
    AppFee.objects.create(app_class=app.app_class, package=None, fee_per_user=Decimal("0"))
    costly = client_with(AgreementKind.FLAT, name="Costly", unit_price="1000.00")
    log(ticket(costly), 1200, cost_rate="40.00")  # labour 800.00
    run_billing(OCTOBER)

    report = margin_report([OCTOBER])

    rows = {row.name: row for row in report.clients}
    assert rows["Steady"].revenue == Decimal("1000.00") and rows["Steady"].commission == Decimal("10.00")
    assert (rows["Steady"].labour, rows["Steady"].tools) == (Decimal("300.00"), Decimal("100.00"))
    assert rows["Steady"].margin_pct == Decimal("60.4")  # (1010 - 400) / 1010
    assert rows["Costly"].margin_pct == Decimal("20.0")
    assert rows["Steady"].tier_avg == Decimal("40.2")
    assert rows["Steady"].flagged and rows["Costly"].flagged  # both 20 points from the average > 15
    assert FLAG_POINTS == 15
    assert report.series[0].revenue == Decimal("2000.00")
    september, october = client_months(steady.client_id, [date(2026, 9, 1), OCTOBER])
    assert (september.revenue, september.cost, september.margin_pct) == (Decimal("0.00"), Decimal("100.00"), None)
    assert (october.revenue, october.commission, october.cost) == (Decimal("1000.00"), Decimal("10.00"),
                                                                    Decimal("400.00"))

    invoice = steady.client.invoices.get()
    issue_invoices(steady.client.invoices.all())
    credit_invoice(invoice, reason="test")
    assert {r.name: r for r in margin_report([OCTOBER]).clients}["Steady"].revenue == Decimal("0.00")


@pytest.mark.django_db
def test_guard_for_an_agreement_uses_the_last_three_months_of_actual_cost():
    agreement = client_with(AgreementKind.PER_USER, users=4, unit_price="50.00")
    Agreement.objects.filter(pk=agreement.pk).update(monthly_value=Decimal("450.00"))
    agreement.refresh_from_db()
    for month in (date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)):
        log(ticket(agreement), 300, cost_rate="24.00", month=month)  # 120.00 a month
    log(ticket(agreement), 300, cost_rate="24.00", month=date(2026, 7, 1))  # too old: not counted
    ToolCost.objects.create(client=agreement.client, name="Docs", basis=CostBasis.PER_USER, unit_cost=Decimal("2.50"),
                            start_date=date(2025, 1, 1))  # 4 users × 2.50 = 10.00 a month

    result = guards_for([agreement], date(2026, 11, 20))[agreement.pk]

    assert result.price == Decimal("200.00") and result.direct_cost == Decimal("130.00")
    assert result.floor == Decimal("390.00") and result.ceiling == Decimal("150.00")
    assert result.below_floor and result.above_ceiling and result.verdict == "below floor"
