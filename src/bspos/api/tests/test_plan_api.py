"""The plan endpoints: the lifecycle report, the budget forecast, a client's plan settings and the monthly summary;
staff read, the vCIO writes, a client contact meets 404 (the OpenAPI sweep in test_api covers another company)."""


import pytest
from django.core import mail
from django.utils import timezone

from bspos.api.services import create_token
from bspos.clients.tests.factories import ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.reviews.models import MonthlySummary, PlanSettings
from bspos.reviews.tests.plan_builders import EXPECTED, TODAY, YEARS, forecast_client

pytestmark = pytest.mark.django_db


def token(role: str, **extra) -> dict:
    _, secret = create_token(user=UserFactory(role=role, **extra), name="test", scope="write")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def company(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    return forecast_client()


def test_the_forecast_endpoint_returns_the_hand_computed_quarters_and_years(client, company):
    answer = client.get(f"/api/v1/clients/{company.pk}/forecast", headers=token(Role.FINANCE)).json()
    assert {q["label"]: (q["agreements"], q["one_time"], q["monthly"], q["hardware"], q["total"])
            for q in answer["quarters"]} == EXPECTED
    assert {y["label"]: y["total"] for y in answer["years"]} == YEARS
    assert answer["renewal_increase"] == "10.00" and answer["unknown_devices"] == {"count": 1, "estimate": "1200.00"}


def test_the_lifecycle_endpoint_filters_by_window_and_lists_unknown_dates(client, company):
    headers = token(Role.TECHNICIAN)
    due = client.get(f"/api/v1/clients/{company.pk}/lifecycle?window=180", headers=headers).json()
    assert [(d["name"], d["state"], d["replace_by"]) for d in due["devices"]] == [
        ("PC-OLD", "past due", "2026-05-01"), ("LT-1", "due", "2027-03-10"), ("PC-NODATE", "unknown", None)]
    assert (due["count"], due["past_due"], due["unknown"], due["estimate"]) == (3, 1, 1, "4000.00")
    assert client.get(f"/api/v1/clients/{company.pk}/lifecycle?window=30", headers=headers).status_code == 422


def test_the_vcio_changes_plan_settings_and_sends_the_summary_once(client, company):
    ContactFactory(client=company, email="boss@forecast.test", is_primary=True)
    vcio, tech = token(Role.VCIO), token(Role.TECHNICIAN)
    url = f"/api/v1/clients/{company.pk}/plan-settings"
    assert client.patch(url, {"monthly_summary": True}, content_type="application/json",
                        headers=tech).status_code == 403
    assert client.patch(url, {"renewal_increase": "120"}, content_type="application/json",
                        headers=vcio).status_code == 422
    changed = client.patch(url, {"monthly_summary": True}, content_type="application/json", headers=vcio).json()
    assert changed == {"renewal_increase": "10.00", "monthly_summary": True}
    assert client.get(url, headers=tech).json() == changed
    send = f"/api/v1/clients/{company.pk}/monthly-summary/send"
    sent = client.post(send, headers=vcio)
    assert sent.status_code == 201 and sent.json()["month"] == "2026-10-01"
    assert sent.json()["recipients"] == "boss@forecast.test"
    again = client.post(send, headers=vcio)
    assert again.status_code == 422 and "once a month" in again.json()["detail"]
    assert len(mail.outbox) == 1 and MonthlySummary.objects.count() == 1
    figures = client.get(f"/api/v1/clients/{company.pk}/monthly-summary?month=2026-10", headers=tech).json()
    assert figures["month"] == "2026-10-01" and "sla" in figures and "roadmap" in figures


def test_a_client_contact_meets_404_even_for_their_own_company(client, company):
    contact = ContactFactory(client=company, user=UserFactory(role=Role.CLIENT_CONTACT))
    _, secret = create_token(user=contact.user, name="portal", scope="write")
    headers = {"Authorization": f"Bearer {secret}"}
    for path in ("lifecycle", "forecast", "plan-settings", "monthly-summary"):
        assert client.get(f"/api/v1/clients/{company.pk}/{path}", headers=headers).status_code == 404, path
    assert client.patch(f"/api/v1/clients/{company.pk}/plan-settings", {"monthly_summary": True},
                        content_type="application/json", headers=headers).status_code == 404
    assert client.post(f"/api/v1/clients/{company.pk}/monthly-summary/send", headers=headers).status_code == 404
    assert not PlanSettings.objects.filter(monthly_summary=True).exists()
