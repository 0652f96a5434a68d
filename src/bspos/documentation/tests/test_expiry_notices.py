"""Expiry notices: the daily job tells the client's account manager and the service managers of what ends in 30,
14, 7, 1 and 0 days, once per threshold; a missed day tells at the threshold reached, a renewal starts afresh."""

from datetime import date, timedelta

import pytest
from django.core import mail
from hypothesis import given
from hypothesis import strategies as st

from bspos.assets.tests.factories import AssetFactory
from bspos.documentation.models import NOTICE_DAYS, ExpiryNotice
from bspos.documentation.services import notice_threshold, notify_expiring
from bspos.documentation.tests.factories import DomainFactory, LicenceFactory
from bspos.notifications.models import Notification
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

TODAY = date(2026, 12, 3)


@given(st.integers(min_value=0, max_value=400))
def test_the_threshold_reached_is_the_nearest_at_or_above_the_days_left(days_left):
    threshold = notice_threshold(days_left)
    if days_left > max(NOTICE_DAYS):
        assert threshold is None
    else:
        assert threshold in NOTICE_DAYS and threshold >= days_left
        assert not [days for days in NOTICE_DAYS if days_left <= days < threshold]


@pytest.fixture
def manager(db):
    return UserFactory(username="mia", role=Role.SERVICE_MANAGER, email="mia@msp.test")


@pytest.fixture
def account_manager(company):
    vcio = UserFactory(username="vic", role=Role.VCIO, email="vic@msp.test")
    company.account_manager = vcio
    company.save()
    return vcio


def told(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("text", flat=True))


@pytest.mark.django_db
def test_each_threshold_is_told_once_to_the_account_manager_and_the_managers(company, tech, manager,
                                                                             account_manager):
    domain = DomainFactory(client=company, name="acme.example", expires_on=TODAY + timedelta(days=14))
    assert notify_expiring(today=TODAY) == 1
    assert told(manager) == told(account_manager) == ["Domain acme.example of Acme ends in 14 days (17 Dec 2026)"]
    assert told(tech) == []
    notification = Notification.objects.filter(recipient=manager).get()
    assert notification.ticket is None and notification.url == f"/documentation/domains/{domain.pk}/"
    assert notify_expiring(today=TODAY) == 0  # the same day again
    assert notify_expiring(today=TODAY + timedelta(days=1)) == 0  # 13 days: still the 14-day threshold
    assert notify_expiring(today=TODAY + timedelta(days=7)) == 1  # 7 days
    assert notify_expiring(today=TODAY + timedelta(days=13)) == 1  # tomorrow
    assert notify_expiring(today=TODAY + timedelta(days=14)) == 1  # today
    assert told(manager)[-2:] == ["Domain acme.example of Acme ends tomorrow (17 Dec 2026)",
                                  "Domain acme.example of Acme ends today (17 Dec 2026)"]
    assert sorted(ExpiryNotice.objects.values_list("days", flat=True)) == [0, 1, 7, 14]
    assert notify_expiring(today=TODAY + timedelta(days=15)) == 0  # expired: left to its page


@pytest.mark.django_db
def test_a_missed_day_tells_at_the_threshold_reached_never_the_ones_passed(company, manager):
    LicenceFactory(client=company, product="Office", renews_on=TODAY + timedelta(days=5))
    AssetFactory(client=company, name="PC-7", warranty_expires=TODAY + timedelta(days=40))
    assert notify_expiring(today=TODAY) == 1
    assert told(manager) == ["Licence Office of Acme ends in 5 days (8 Dec 2026)"]
    assert list(ExpiryNotice.objects.values_list("kind", "days")) == [("licence", 7)]


@pytest.mark.django_db
def test_a_renewed_domain_starts_its_thresholds_again(company, manager):
    domain = DomainFactory(client=company, name="acme.example", expires_on=TODAY)
    assert notify_expiring(today=TODAY) == 1
    domain.expires_on = TODAY + timedelta(days=30)
    domain.save()
    assert notify_expiring(today=TODAY) == 1
    assert told(manager)[-1] == "Domain acme.example of Acme ends in 30 days (2 Jan 2027)"


@pytest.mark.django_db
def test_the_email_leads_to_the_record_without_a_ticket_thread(company, manager, django_capture_on_commit_callbacks):
    domain = DomainFactory(client=company, name="acme.example", expires_on=TODAY + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        notify_expiring(today=TODAY)
    [message] = mail.outbox
    assert message.subject == "Domain acme.example of Acme ends tomorrow (4 Dec 2026)"
    assert f"/documentation/domains/{domain.pk}/" in message.body and "In-Reply-To" not in message.extra_headers


@pytest.mark.django_db
def test_the_notification_opens_the_record(client, company, manager):
    domain = DomainFactory(client=company, name="acme.example", expires_on=TODAY)
    notify_expiring(today=TODAY)
    client.force_login(manager)
    assert "acme.example of Acme ends today" in client.get("/notifications/").content.decode()
    notification = Notification.objects.get()
    response = client.post(f"/notifications/{notification.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == f"/documentation/domains/{domain.pk}/"
    api = client.get("/api/v1/notifications").json()["items"]
    assert api[0]["ticket_number"] is None and api[0]["url"] == f"/documentation/domains/{domain.pk}/"
