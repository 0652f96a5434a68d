from datetime import date

import pytest

from bspos.api.services import create_token
from bspos.clients.models import Client
from bspos.demo.services import DemoSize, load_demo
from bspos.people.models import User
from bspos.vcio.models import Answer, Assessment, AssessmentTemplate, QuestionnaireLink, Responsibility, RoadmapItem


@pytest.fixture
def demo(db):
    summary = load_demo(DemoSize(clients=3, months=1, seed=7, today=date(2026, 11, 20)))
    Assessment.objects.all().delete()  # the demo's own assessments and roadmaps: these tests start clean
    RoadmapItem.objects.all().delete()
    return summary


def call(client, method, path, user="vcio", payload=None):
    secret = create_token(user=User.objects.get(username=user), name="t", scope="write")[1]
    return getattr(client, method)(f"/api/v1{path}", payload, content_type="application/json",
                                   headers={"Authorization": f"Bearer {secret}"})


def test_assessment_answers_targets_links_roadmap_budget_and_matrix_over_the_api(client, demo):
    company = Client.objects.first()
    template = AssessmentTemplate.objects.get(key="7c")
    assert any(t["key"] == "nist-csf-2" for t in call(client, "get", "/assessment-templates").json())
    created = call(client, "post", "/assessments", payload={"client_id": company.pk, "template_id": template.pk})
    assert created.status_code == 201
    pk = created.json()["id"]
    bad = call(client, "put", f"/assessments/{pk}/answers", payload={"answers": [
        {"question": "cont-backup", "value": 4}, {"question": "nope", "value": 1}]})
    assert bad.status_code == 422 and not Answer.objects.exists()  # all or nothing
    both = call(client, "put", f"/assessments/{pk}/answers", payload={"answers": [
        {"question": "cont-backup", "value": 4, "not_applicable": True}]})
    assert both.status_code == 422
    done = call(client, "put", f"/assessments/{pk}/answers", payload={"answers": [
        {"question": "cont-backup", "value": 4, "evidence": "tested"}, {"question": "cont-restore",
                                                                        "not_applicable": True}]})
    continuous = next(a for a in done.json()["areas"] if a["code"] == "continuous")
    assert continuous["score"] == "25.0" and continuous["answered"] == 1
    targets = call(client, "put", f"/assessments/{pk}/targets", payload={"targets": {"continuous": 80}})
    assert next(a for a in targets.json()["areas"] if a["code"] == "continuous")["gap"] == "55.0"
    assert call(client, "put", f"/assessments/{pk}/targets", payload={"targets": {"x": 1}}).status_code == 422
    link = call(client, "post", f"/assessments/{pk}/links", payload={"sent_to": "ceo@example.com", "days": 7})
    assert link.status_code == 201 and "/q/" in link.json()["url"]
    assert call(client, "delete", f"/questionnaire-links/{link.json()['id']}").status_code == 204
    assert QuestionnaireLink.objects.get().revoked_at is not None

    item = call(client, "post", "/roadmap-items", payload={"client_id": company.pk, "area": "Continuous",
                                                           "title": "Offsite backup", "quarter": "2027-02-15",
                                                           "one_time": "1000", "monthly": "10"})
    assert item.status_code == 201 and item.json()["quarter"] == "2027-01-01"
    assert call(client, "post", "/roadmap-items", payload={"client_id": company.pk, "area": "x", "title": "y",
                                                           "quarter": "2027-01-01", "one_time": "-1"}
                ).status_code == 422
    patched = call(client, "patch", f"/roadmap-items/{item.json()['id']}", payload={"status": "planned"})
    assert patched.json()["status"] == "planned"
    budget = call(client, "get", f"/clients/{company.pk}/it-budget?first_year=2027&years=2").json()
    assert budget[0] == {"year": 2027, "label": "FY2027", "first": "2027-01-01", "last": "2027-12-31",
                         "one_time": "1000.00", "recurring": "120.00", "total": "1120.00"}

    assert call(client, "get", f"/clients/{company.pk}/responsibility-matrix").json()["parties"] == []  # a read
    parties = call(client, "put", f"/clients/{company.pk}/responsibility-matrix", payload={"cells": []}).json()[
        "parties"]  # the first write sets up the default virtual IT department
    assert len(parties) == 15
    first, second = parties[0]["id"], parties[1]["id"]
    refused = call(client, "put", f"/clients/{company.pk}/responsibility-matrix", payload={"cells": [
        {"area": "backup", "party_id": first, "role": "A"}, {"area": "backup", "party_id": second, "role": "A"}]})
    assert refused.status_code == 422 and not Responsibility.objects.exists()
    saved = call(client, "put", f"/clients/{company.pk}/responsibility-matrix", payload={"cells": [
        {"area": "backup", "party_id": first, "role": "A"}]}).json()
    assert "backup" not in saved["areas_without_accountable"]
    assert call(client, "post", "/assessments", user="tech1",
                payload={"client_id": company.pk, "template_id": template.pk}).status_code == 403
