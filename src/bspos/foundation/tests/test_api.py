"""The foundation API: staff read, the owner writes, rules refused with 422; the owner's figures for the owner."""

from datetime import date

import pytest

from bspos.api.services import create_token
from bspos.foundation.models import ValueDecision
from bspos.foundation.tests.factories import IcpFactory, SolutionFactory, ValueFactory, VersionFactory, VisionFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def bearer(user, scope: str = "write") -> dict:
    _, secret = create_token(user=user, name="test", scope=scope)
    return {"Authorization": f"Bearer {secret}"}


def test_staff_read_every_foundation_record(client):
    tech = UserFactory(role=Role.TECHNICIAN)
    headers = bearer(tech, "read")
    IcpFactory(name="Law firms", is_primary=True)
    SolutionFactory(name="Managed IT for law")
    ValueFactory(name="Own it")
    VisionFactory()
    VersionFactory(reviewed_on=date(2020, 1, 1))
    icps = client.get("/api/v1/foundation/icps", headers=headers).json()
    assert icps[0]["name"] == "Law firms" and icps[0]["verticals"] == ["Legal"] and "trend" in icps[0]["reach"]
    solutions = client.get("/api/v1/foundation/solutions?q=law", headers=headers).json()["items"]
    assert solutions[0]["technology_phrases"] == ["managed it"]
    values = client.get("/api/v1/foundation/values", headers=headers).json()
    assert values[0]["marketing_copy"] is True
    assert client.get("/api/v1/foundation/vision", headers=headers).json()["mission"] == "We keep law firms billing."
    msa = client.get("/api/v1/foundation/legal", headers=headers).json()[0]
    assert msa["kind"] == "msa" and msa["review_overdue"] is True
    checklist = client.get("/api/v1/foundation/checklist", headers=headers).json()
    assert checklist["done"] is False and len(checklist["lines"]) == 8
    assert {e["statement"] for e in client.get("/api/v1/foundation/readiness", headers=headers).json()} >= {"s1"}


def test_only_the_owner_records_a_decision_and_a_future_one_is_refused(client):
    value = ValueFactory()
    url = f"/api/v1/foundation/values/{value.pk}/decisions"
    body = {"kind": "firing", "decided_on": "2026-02-02", "people": "Tech X; owner", "description": "Oversold."}
    assert client.post(url, body, content_type="application/json",
                       headers=bearer(UserFactory(role=Role.SERVICE_MANAGER))).status_code == 403
    owner = UserFactory(role=Role.OWNER)
    assert client.post(url, body, content_type="application/json", headers=bearer(owner, "read")).status_code == 403
    assert client.post(url, body, content_type="application/json", headers=bearer(owner)).status_code == 201
    future = client.post(url, {**body, "decided_on": "2999-01-01"}, content_type="application/json",
                         headers=bearer(owner))
    assert future.status_code == 422 and ValueDecision.objects.count() == 1


def test_the_owner_creates_an_icp_and_a_bad_size_range_is_422(client):
    owner = UserFactory(role=Role.OWNER)
    body = {"name": "Dentists", "description": "Dental practices with 3+ chairs.", "business_problem": "Chairs idle.",
            "verticals": "Dental", "min_users": 10, "max_users": 5}
    assert client.post("/api/v1/foundation/icps", body, content_type="application/json",
                       headers=bearer(owner)).status_code == 422
    created = client.post("/api/v1/foundation/icps", {**body, "max_users": 50}, content_type="application/json",
                          headers=bearer(owner))
    assert created.status_code == 201 and created.json()["is_primary"] is True


def test_the_owners_figures_are_read_by_the_owner_only(client):
    owner, manager = UserFactory(role=Role.OWNER), UserFactory(role=Role.SERVICE_MANAGER)
    for path in ("scorecard?months=3", "health", "signals", "maturity", "funnel", "readiness"):
        assert client.get(f"/api/v1/owner/{path}", headers=bearer(manager, "read")).status_code == 403, path
        assert client.get(f"/api/v1/owner/{path}", headers=bearer(owner, "read")).status_code == 200, path
    card = client.get("/api/v1/owner/scorecard", headers=bearer(owner, "read")).json()
    assert len(card["figures"]) == 5 and card["multiple"]
    assert client.get("/api/v1/owner/scorecard?months=5", headers=bearer(owner, "read")).status_code == 422
    assert len(client.get("/api/v1/owner/funnel", headers=bearer(owner)).json()["steps"]) == 6
