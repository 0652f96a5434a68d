"""The leadership API: staff read, the owner and the leadership team write, rules refused with 422."""

import pytest

from bspos.api.services import create_token
from bspos.leadership.models import Decision, Issue, Todo
from bspos.leadership.tests.factories import IssueFactory, MeetingFactory, MetricFactory, PlanFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def bearer(user, scope: str = "write") -> dict:
    _, secret = create_token(user=user, name="test", scope=scope)
    return {"Authorization": f"Bearer {secret}"}


def test_staff_read_the_chart_and_a_lead_solves_an_issue_through_the_api(client):
    owner, tech = UserFactory(role=Role.OWNER), UserFactory(role=Role.TECHNICIAN)
    metric = MetricFactory(hat__name="Finance")
    hats = client.get("/api/v1/leadership/hats", headers=bearer(tech)).json()
    assert hats[0]["name"] == "Finance" and hats[0]["metrics"][0]["id"] == metric.pk
    issue, meeting = IssueFactory(), MeetingFactory()
    body = {"meeting_id": meeting.pk, "decision": "Quarterly price review.",
            "todos": [{"title": "Draft letters", "owner_id": tech.pk, "due_on": "2026-09-14"}]}
    url = f"/api/v1/leadership/issues/{issue.pk}/solve"
    assert client.post(url, body, content_type="application/json", headers=bearer(tech)).status_code == 403
    assert client.post(url, body, content_type="application/json", headers=bearer(owner, "read")).status_code == 403
    response = client.post(url, body, content_type="application/json", headers=bearer(owner))
    assert response.status_code == 200 and response.json()["status"] == "solved"
    assert Decision.objects.get().text == "Quarterly price review." and Todo.objects.get().owner == tech
    decisions = client.get("/api/v1/leadership/decisions", headers=bearer(tech)).json()
    assert decisions["items"][0]["text"] == "Quarterly price review."


def test_a_sixth_rock_is_refused_with_422(client):
    owner = UserFactory(role=Role.OWNER)
    PlanFactory()
    headers = bearer(owner)
    for n in range(5):
        assert client.post("/api/v1/leadership/plans/2026/rocks", {"quarter": 2, "title": f"R{n}",
                                                                   "owner_id": owner.pk},
                           content_type="application/json", headers=headers).status_code == 201
    refused = client.post("/api/v1/leadership/plans/2026/rocks", {"quarter": 2, "title": "R6", "owner_id": owner.pk},
                          content_type="application/json", headers=headers)
    assert refused.status_code == 422 and "already has 5 rocks" in str(refused.json())
    assert len(client.get("/api/v1/leadership/plans/2026", headers=headers).json()["rocks"]) == 5


def test_any_staff_member_raises_an_issue_through_the_api_and_a_contact_meets_404(client):
    from bspos.clients.tests.factories import ContactFactory

    tech = UserFactory(role=Role.TECHNICIAN)
    body = {"title": "Patch window clashes with backups"}
    assert client.post("/api/v1/leadership/issues", body, content_type="application/json",
                       headers=bearer(tech, "read")).status_code == 403
    response = client.post("/api/v1/leadership/issues", body, content_type="application/json", headers=bearer(tech))
    assert response.status_code == 201 and response.json()["status"] == "identified"
    contact = ContactFactory(user=UserFactory(role=Role.CLIENT_CONTACT)).user
    assert client.post("/api/v1/leadership/issues", body, content_type="application/json",
                       headers=bearer(contact)).status_code == 404
    assert Issue.objects.get().raised_by == tech
