"""The data pack equals figures worked out by hand on a small client (see builders.history)."""

from datetime import date
from decimal import Decimal

import pytest

from bspos.reviews import selectors
from bspos.reviews.tests.builders import TODAY, company, history, review, ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def pack():
    client = company()
    history(client)
    return selectors.data_pack(review(client), TODAY)


def test_the_period_is_the_90_days_before_the_meeting_against_the_90_before(pack):
    assert pack["period"] == {"start": "2026-07-03", "end": "2026-09-30", "days": 90,
                              "previous_start": "2026-04-04", "previous_end": "2026-07-02"}


def test_tickets_by_type_and_priority_with_the_change_from_the_previous_period(pack):
    tickets = pack["tickets"]
    assert (tickets["total"], tickets["previous"], tickets["change"]) == (5, 2, Decimal("150.0"))
    by_type = {row["label"]: (row["count"], row["previous"], row["change"]) for row in tickets["by_type"]}
    assert by_type == {"Incident": (4, 2, Decimal("100.0")), "Service request": (1, 0, None)}
    by_priority = {row["key"]: (row["count"], row["previous"]) for row in tickets["by_priority"]}
    assert by_priority == {1: (1, 0), 2: (2, 0), 3: (1, 2), 4: (1, 0)}


def test_sla_compliance_counts_tickets_resolved_in_the_period(pack):
    assert pack["sla"]["resolved"] == 3 and pack["sla"]["met"] == 2
    assert pack["sla"]["compliance"] == Decimal("66.7") and pack["sla"]["previous_compliance"] is None


def test_recurring_issues_alerts_and_hours(pack):
    assert pack["recurring"]["categories"] == [{"key": "hardware", "label": "Hardware", "tickets": 3,
                                                "hours": Decimal("10.0")}]
    assert pack["recurring"]["assets"] == [{"name": "PC-OLD", "tickets": 2}]
    assert pack["alerts"] == {  # alerts that started in the period (the June one did not), and their tickets
        "total": 3, "by_severity": [{"severity": "warning", "count": 2, "notifications": 3},
                                    {"severity": "critical", "count": 1, "notifications": 4}],
        "tickets": 1, "tickets_by_priority": [{"severity": "Critical", "count": 1}]}
    hours = pack["hours"]
    assert (hours["total"], hours["billable"], hours["bill_rate"]) == (Decimal("10.5"), Decimal("10.5"),
                                                                       Decimal("100.00"))
    assert hours["by_type"] == [{"label": "Incident", "hours": Decimal("10.0")},
                                {"label": "Service request", "hours": Decimal("0.5")}]


def test_ageing_hardware_and_the_refresh_estimate(pack):
    assets = pack["assets"]
    assert (assets["count"], assets["past_warranty"], assets["end_of_life"]) == (2, 1, 1)
    assert assets["refresh_estimate"] == Decimal("2000.00") and assets["horizon"] == "2027-03-30"
    assert [(a["name"], a["end_of_life"]) for a in assets["items"]] == [("PC-OLD", "2026-09-01"),
                                                                       ("PC-LAPSED", "2029-01-01")]


def test_a_client_specific_refresh_policy_wins_over_the_default(db):
    from bspos.reviews.models import RefreshPolicy

    client = company()
    history(client)
    RefreshPolicy.objects.create(asset_type="workstation", client=client, max_age_months=36,
                                 replacement_value=Decimal("700.00"))
    assets = selectors.data_pack(review(client), TODAY)["assets"]
    # 36 months: PC-LAPSED (Jan 2024) now ends Jan 2027 too; PC-NEW (Jun 2025) still has years left.
    assert (assets["count"], assets["end_of_life"], assets["refresh_estimate"]) == (2, 2, Decimal("1400.00"))


def test_open_roadmap_and_billing(pack):
    assert (pack["roadmap"]["count"], pack["roadmap"]["one_time"], pack["roadmap"]["monthly"]) == (
        2, Decimal("2500.00"), Decimal("50.00"))
    assert (pack["money"]["invoiced"], pack["money"]["invoices"]) == (Decimal("500.00"), 1)


def test_the_pack_of_another_client_is_not_mixed_in(pack):
    other = company("Other Ltd")
    ticket(other, date(2026, 8, 1))
    assert selectors.data_pack(review(other), TODAY)["tickets"]["total"] == 1
