"""The time sheets in the API: a person's week, submitting it, the service manager approving or returning it."""

from bspos.api.services import create_token
from bspos.servicedesk.models import TimeEntry
from bspos.timesheets.tests.conftest import WEEK


def bearer(user, scope: str = "write") -> dict:
    return {"Authorization": f"Bearer {create_token(user=user, name='t', scope=scope)[1]}"}


def post(client, path, headers, payload=None):
    return client.post(f"/api/v1{path}", payload or {}, content_type="application/json", headers=headers)


def test_a_technician_reads_submits_and_a_manager_approves_a_week(client, tech, manager, logged):
    week = client.get(f"/api/v1/weeks?week={WEEK}", headers=bearer(tech)).json()
    assert week["status"] == "open" and week["minutes"] == 180 and week["business_minutes"] == 2400
    assert week["days"][0]["entry_ids"] == [logged[0].pk] and week["days"][1]["minutes"] == 60
    submitted = post(client, "/time-sheets", bearer(tech), {"week": str(WEEK)})
    assert submitted.status_code == 201 and submitted.json()["status"] == "submitted"
    sheet_id = submitted.json()["id"]
    assert post(client, f"/time-sheets/{sheet_id}/approve", bearer(tech)).status_code == 403  # not the technician
    listed = client.get("/api/v1/time-sheets", headers=bearer(manager)).json()["items"]
    assert [(s["id"], s["minutes"], s["awaiting_approval"]) for s in listed] == [(sheet_id, 180, 2)]
    approved = post(client, f"/time-sheets/{sheet_id}/approve", bearer(manager))
    assert approved.status_code == 200 and approved.json()["awaiting_approval"] == 0
    assert TimeEntry.objects.approved().count() == 2
    assert post(client, f"/time-sheets/{sheet_id}/return", bearer(manager), {"comment": ""}).status_code == 422
    returned = post(client, f"/time-sheets/{sheet_id}/return", bearer(manager), {"comment": "Split Monday"})
    assert returned.json()["status"] == "returned" and returned.json()["comment"] == "Split Monday"


def test_refusals_are_422_and_others_weeks_are_private(client, tech, manager, logged):
    from bspos.people.tests.factories import UserFactory

    assert post(client, "/time-sheets", bearer(tech), {"week": "2026-11-03"}).status_code == 422  # a Tuesday
    assert post(client, "/time-sheets", bearer(tech, "read"), {"week": str(WEEK)}).status_code == 403
    other = UserFactory(username="otto")
    assert client.get(f"/api/v1/weeks?technician_id={tech.pk}", headers=bearer(other)).status_code == 403
    assert post(client, "/time-sheets", bearer(other), {"week": str(WEEK), "technician_id": tech.pk}).status_code \
        == 403
    post(client, "/time-sheets", bearer(tech), {"week": str(WEEK)})
    assert client.get("/api/v1/time-sheets", headers=bearer(other)).json()["items"] == []
    assert client.get("/api/v1/time-sheets?status=nonsense", headers=bearer(manager)).status_code == 422
