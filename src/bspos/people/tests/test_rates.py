"""Rates from a date on: the rate in force on a day, one per user and day, set through the service everywhere."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bspos.people.models import Rate, Role
from bspos.people.services import rate_on, set_rate
from bspos.people.tests.factories import RateFactory, UserFactory


@pytest.mark.django_db
def test_the_rate_in_force_is_the_latest_one_started_on_or_before_the_day():
    tech = UserFactory()
    RateFactory(user=tech, effective_from=date(2026, 1, 1), cost_rate=Decimal("40"), bill_rate=Decimal("120"))
    set_rate(user=tech, effective_from=date(2026, 7, 1), cost_rate=Decimal("45"), bill_rate=Decimal("130"))
    assert rate_on(tech, date(2025, 12, 31)) == (Decimal("0.00"), Decimal("0.00"))
    assert rate_on(tech, date(2026, 6, 30)) == (Decimal("40.00"), Decimal("120.00"))
    assert rate_on(tech, date(2026, 7, 1)) == (Decimal("45.00"), Decimal("130.00"))
    set_rate(user=tech, effective_from=date(2026, 7, 1), cost_rate=Decimal("46"), bill_rate=Decimal("130"))
    assert Rate.objects.filter(user=tech).count() == 2  # the same day again corrects that day's rate
    with pytest.raises(ValidationError):
        set_rate(user=tech, effective_from=date(2026, 8, 1), cost_rate=Decimal("-1"), bill_rate=Decimal("1"))
    assert Rate.objects.filter(user=tech).count() == 2


@pytest.mark.django_db
def test_the_back_office_sets_and_removes_rates_through_the_service(client):
    client.force_login(UserFactory(role=Role.OWNER, is_staff=True, is_superuser=True))
    tech = UserFactory(username="tess")
    add = client.post(reverse("admin:people_rate_add"), {"user": tech.pk, "effective_from": "2026-03-01",
                                                         "cost_rate": "50.00", "bill_rate": "140.00"})
    assert add.status_code == 302 and rate_on(tech, date(2026, 3, 2)) == (Decimal("50.00"), Decimal("140.00"))
    refused = client.post(reverse("admin:people_rate_add"), {"user": tech.pk, "effective_from": "2026-04-01",
                                                             "cost_rate": "-5", "bill_rate": "140.00"})
    assert refused.status_code == 200 and Rate.objects.count() == 1
    rate = Rate.objects.get()
    client.post(reverse("admin:people_rate_delete", args=[rate.pk]), {"post": "yes"})
    assert not Rate.objects.exists()


@pytest.mark.django_db
def test_the_user_page_of_the_back_office_saves_its_rates_through_the_service(client):
    client.force_login(UserFactory(role=Role.OWNER, is_staff=True, is_superuser=True))
    tech = UserFactory(username="tess")
    old = RateFactory(user=tech, effective_from=date(2025, 1, 1))
    form = {"username": "tess", "role": "technician", "tier": "", "weekly_hours": "40", "is_active": "on",
            "date_joined_0": "2025-01-01", "date_joined_1": "09:00:00",
            "rates-TOTAL_FORMS": "2", "rates-INITIAL_FORMS": "1", "rates-MIN_NUM_FORMS": "0",
            "rates-MAX_NUM_FORMS": "1000",
            "rates-0-id": old.pk, "rates-0-user": tech.pk, "rates-0-effective_from": "2025-01-01",
            "rates-0-cost_rate": "40.00", "rates-0-bill_rate": "120.00", "rates-0-DELETE": "on",
            "rates-1-user": tech.pk, "rates-1-effective_from": "2026-02-01", "rates-1-cost_rate": "55.00",
            "rates-1-bill_rate": "150.00"}
    response = client.post(reverse("admin:people_user_change", args=[tech.pk]), form)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert list(Rate.objects.filter(user=tech).values_list("effective_from", "cost_rate")) == [
        (date(2026, 2, 1), Decimal("55.00"))]
