"""The lifecycle report: replace-by dates from the refresh policies, the due-soon windows on their boundary days,
devices without dates listed as unknown, and the pages."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from bspos.assets.models import AssetType, Lifecycle
from bspos.assets.tests.factories import AssetFactory
from bspos.clients.tests.factories import ClientFactory
from bspos.core.dates import add_months, latest_start_ending_by
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.reviews.lifecycle import lifecycle_report
from bspos.reviews.models import RefreshPolicy
from bspos.reviews.tests.plan_builders import default_policies

TODAY = date(2026, 11, 20)


def _bought(replace_by: date) -> date:
    return add_months(replace_by, -60)  # workstations last 60 months


def boundary_devices(today: date):
    """Workstations whose replace-by dates sit on each window's edges (60 months after purchase)."""
    default_policies()
    client = ClientFactory()
    for name, days in {"yesterday": -1, "today": 0, "in-90": 90, "in-91": 91, "in-180": 180, "in-181": 181,
                       "in-365": 365, "in-366": 366}.items():
        AssetFactory(client=client, name=name, purchased_on=_bought(today + timedelta(days=days)))
    AssetFactory(client=client, name="no-dates")
    return client


@pytest.fixture
def boundaries(db):
    return boundary_devices(TODAY)


def names(client, window: str) -> list[str]:
    return [device.name for device in lifecycle_report(client, window=window, today=TODAY)["devices"]]


def test_each_window_ends_on_its_last_day_and_past_due_is_before_today(boundaries):
    assert names(boundaries, "past_due") == ["yesterday", "no-dates"]
    assert names(boundaries, "90") == ["yesterday", "today", "in-90", "no-dates"]
    assert names(boundaries, "180") == ["yesterday", "today", "in-90", "in-91", "in-180", "no-dates"]
    assert names(boundaries, "365") == ["yesterday", "today", "in-90", "in-91", "in-180", "in-181", "in-365",
                                        "no-dates"]
    assert len(names(boundaries, "all")) == 9


@pytest.mark.django_db
def test_devices_without_dates_are_listed_as_unknown_with_their_cost():
    default_policies()
    client = ClientFactory()
    AssetFactory(client=client, name="PC-NODATE", asset_type=AssetType.WORKSTATION)
    AssetFactory(client=client, name="LT-NOWARRANTY", asset_type=AssetType.LAPTOP, purchased_on=date(2025, 1, 31))
    report = lifecycle_report(client, window="90", today=TODAY)
    assert report["unknown"] == 1 and report["unknown_estimate"] == Decimal("1200.00")
    (device,) = report["devices"]  # the laptop is not due within 90 days; the undated PC is listed anyway
    assert (device.name, device.state, device.replace_by, device.age_months) == ("PC-NODATE", "unknown", None, None)
    laptop = lifecycle_report(client, today=TODAY)["devices"][0]
    assert (laptop.name, laptop.replace_by, laptop.age_months, laptop.warranty_expires) == (
        "LT-NOWARRANTY", date(2029, 1, 31), 21, None)
    assert report["no_warranty"] == 1


@pytest.mark.django_db
def test_a_clients_own_policy_overrides_the_default_and_retired_devices_and_vms_are_left_out():
    default_policies()
    client = ClientFactory()
    RefreshPolicy.objects.create(asset_type="workstation", client=client, max_age_months=36,
                                 replacement_value=Decimal("900.00"))
    AssetFactory(client=client, name="PC-1", purchased_on=date(2023, 12, 1))
    AssetFactory(client=client, name="PC-GONE", purchased_on=date(2019, 1, 1), lifecycle=Lifecycle.RETIRED)
    AssetFactory(client=client, name="VM-1", asset_type=AssetType.VIRTUAL_MACHINE, purchased_on=date(2019, 1, 1))
    AssetFactory(name="PC-OTHER-CLIENT", purchased_on=date(2019, 1, 1))
    report = lifecycle_report(client, window="365", today=TODAY)
    assert [(d.name, d.replace_by, d.estimate) for d in report["devices"]] == [
        ("PC-1", date(2026, 12, 1), Decimal("900.00"))]
    assert report["estimate"] == Decimal("900.00") and report["past_due"] == 0


@given(st.dates(date(2000, 1, 1), date(2040, 12, 31)), st.dates(date(2000, 1, 1), date(2040, 12, 31)),
       st.integers(1, 120))
def test_a_device_is_due_by_a_day_exactly_when_it_was_bought_by_the_latest_start(bought, day, months):
    assert (add_months(bought, months) <= day) == (bought <= latest_start_ending_by(day, months))


@pytest.mark.django_db
def test_the_page_filters_by_window_and_shows_unknown_dates(client):
    boundaries = boundary_devices(timezone.localdate())
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    page = client.get(reverse("reviews:lifecycle", args=[boundaries.pk]), {"window": "90"}).content.decode()
    assert ">in-90<" in page and ">in-91<" not in page and "no-dates" in page and "unknown" in page
    assert "past due" in page
    refused = client.get(reverse("reviews:lifecycle", args=[boundaries.pk]), {"window": "7"})
    assert refused.status_code == 200 and "not one of the choices" in refused.content.decode()
