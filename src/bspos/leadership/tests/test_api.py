"""The leadership API: staff read, the owner and the leadership team write, rules refused with 422."""

from datetime import datetime

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


def test_the_hats_chart_scorecard_meeting_and_plan_are_written_through_the_api(client):
    owner, tech = UserFactory(role=Role.OWNER), UserFactory(role=Role.TECHNICIAN)
    headers = bearer(owner)

    def call(method, url, body=None, who=headers):
        return getattr(client, method)(f"/api/v1/leadership/{url}", body, content_type="application/json",
                                       headers=who)

    hat = call("post", "hats", {"name": "Finance", "owner_id": tech.pk})
    assert hat.status_code == 201 and hat.json()["owner_id"] == tech.pk
    hat_id = hat.json()["id"]
    assert call("post", "hats", {"name": "Finance"}).status_code == 422  # names are unique
    assert call("patch", f"hats/{hat_id}", {"name": "Money"}, who=bearer(tech)).status_code == 403
    assert call("patch", f"hats/{hat_id}", {"name": "Money"}).json()["name"] == "Money"
    metric = call("post", f"hats/{hat_id}/metrics", {"name": "Invoices out", "target": "20"}).json()
    assert call("post", f"metrics/{metric['id']}/entries", {"week": "2026-11-18", "value": "22"}).json()["week"] \
        == "2026-11-16"
    sla = call("post", f"hats/{hat_id}/metrics", {"name": "SLA", "live": "sla_met", "target": "90"}).json()
    assert call("post", f"metrics/{sla['id']}/entries", {"week": "2026-11-18", "value": "1"}).status_code == 422
    assert call("patch", f"metrics/{sla['id']}", {"target": "95"}).json()["target"] == "95"
    assert call("delete", f"metrics/{sla['id']}").status_code == 204
    rows = call("get", "scorecard", who=bearer(tech, "read")).json()
    assert [r["name"] for r in rows] == ["Invoices out"] and len(rows[0]["weeks"]) == 13

    refused = call("post", "meetings", {"scheduled_at": "2026-11-23T09:00:00Z", "agenda": [["Issues", 60]]})
    assert refused.status_code == 422 and "add up to 60 minutes" in str(refused.json())
    meeting = call("post", "meetings", {"scheduled_at": "2026-11-23T09:00:00Z"}).json()
    assert sum(s["minutes"] for s in meeting["agenda"]) == 90
    started = call("post", f"meetings/{meeting['id']}/start", {"attendee_ids": [owner.pk, tech.pk]}).json()
    assert sorted(started["attendee_ids"]) == sorted([owner.pk, tech.pk]) and started["started_at"]
    assert call("post", f"meetings/{meeting['id']}/conclude", {"rating": 8}).json()["rating"] == 8

    assert call("patch", "plans/2026", {"vision": "Sixty law firms"}).json()["vision"] == "Sixty law firms"
    goal = call("post", "plans/2026/goals", {"text": "Margin 50%", "live": "gross_margin", "target": "50"}).json()
    assert call("patch", f"goals/{goal['id']}", {"target": "55"}).json()["target"] == "55"
    rock = call("post", "plans/2026/rocks", {"quarter": 4, "title": "Hire", "owner_id": owner.pk}).json()
    assert call("patch", f"rocks/{rock['id']}", {"owner_id": tech.pk}).json()["owner_id"] == tech.pk
    assert call("delete", f"rocks/{rock['id']}", who=bearer(tech)).status_code == 403
    assert call("delete", f"rocks/{rock['id']}").status_code == 204
    assert call("delete", f"goals/{goal['id']}").status_code == 204
    assert call("delete", f"hats/{hat_id}").status_code == 204
    plan = call("get", "plans/2026").json()
    assert (plan["goals"], plan["rocks"]) == ([], [])


def test_a_person_writes_their_own_side_of_a_conversation_through_the_api(client):
    from bspos.leadership import services
    from bspos.leadership.models import Conversation

    owner, tech, other = (UserFactory(role=Role.OWNER), UserFactory(role=Role.TECHNICIAN),
                          UserFactory(role=Role.TECHNICIAN))
    review = services.schedule_conversation(kind=Conversation.Kind.QUARTERLY, person=tech,
                                            period_start=datetime(2026, 10, 1).date(), by=owner)
    url = f"/api/v1/leadership/conversations/{review.pk}"
    mine = client.patch(url, {"person_working": "Pairing", "manager_working": "mine", "held_on": "2026-11-01"},
                        content_type="application/json", headers=bearer(tech))
    assert mine.status_code == 200 and mine.json()["status"] == "planned"
    assert client.patch(url, {"person_working": "x"}, content_type="application/json",
                        headers=bearer(other)).status_code == 403
    held = client.patch(url, {"manager_working": "Faster fixes", "held_on": "2026-11-19"},
                        content_type="application/json", headers=bearer(owner))
    review.refresh_from_db()
    assert held.json()["status"] == "held" and (review.person_working, review.manager_working) == (
        "Pairing", "Faster fixes")
