"""The projects API: a project from a template, its roll-ups after time is logged on a task through
`POST /time-entries`, task rules as 422, prices only for those who set them."""

from decimal import Decimal

import pytest
from django.utils import timezone

from bspos.api.services import create_token
from bspos.clients.tests.factories import ClientFactory
from bspos.people.models import Role
from bspos.people.tests.factories import RateFactory, UserFactory
from bspos.projects.models import Project, ProjectTemplate, Task
from bspos.projects.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {create_token(user=user, name='t', scope='write')[1]}"}


def call(client, method: str, path: str, headers: dict, payload=None):
    kwargs = {"content_type": "application/json", "headers": headers}
    return getattr(client, method)(f"/api/v1{path}", payload, **kwargs) if payload is not None else \
        getattr(client, method)(f"/api/v1{path}", headers=headers)


def test_a_project_from_a_template_rolls_up_the_time_logged_on_its_tasks(client):
    manager = UserFactory(username="manager", role=Role.SERVICE_MANAGER)
    RateFactory(user=manager, bill_rate=Decimal("120.00"))
    headers = bearer(manager)
    template = ProjectTemplate.objects.get(name="New client onboarding")
    made = call(client, "post", "/projects", headers, {"client_id": ClientFactory().pk, "name": "Onboard Acme",
                                                       "template_id": template.pk,  # starts today: nothing late
                                                       "budget_amount": "5000.00"})
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["billing"] == "fixed_fee" and body["estimate_hours"] == "35.00" and body["health"] == "on_track"
    project_id = body["id"]
    tasks = call(client, "get", f"/projects/{project_id}/tasks", headers).json()["items"]
    assert len(tasks) == 9 and any(task["depends_on"] for task in tasks)
    first = tasks[0]["id"]
    logged = call(client, "post", "/time-entries", headers, {"task_id": first, "minutes": 90,
                                                             "started_at": "2026-11-03T10:00:00Z"})
    assert logged.status_code == 201 and logged.json()["task_id"] == first
    again = call(client, "get", f"/projects/{project_id}", headers).json()
    assert again["logged_hours"] == "1.50" and again["logged_amount"] == "180.00"
    assert call(client, "get", f"/project-tasks/{first}", headers).json()["logged_minutes"] == 90
    listed = call(client, "get", "/projects?health=on_track", headers).json()
    assert [row["id"] for row in listed["items"]] == [project_id]
    milestones = call(client, "get", f"/projects/{project_id}/milestones", headers).json()
    assert sum(Decimal(m["amount"]) for m in milestones) == Decimal("5000.00")
    reached = call(client, "post", f"/milestones/{milestones[0]['id']}/reached", headers, {})
    assert reached.status_code == 200 and reached.json()["completed_on"] == str(timezone.localdate())


def test_task_rules_are_422_and_nothing_changes(client):
    headers = bearer(UserFactory(username="tech", role=Role.TECHNICIAN))
    task = TaskFactory()
    later = TaskFactory(project=task.project)
    linked = call(client, "patch", f"/project-tasks/{later.pk}", headers, {"depends_on": [task.pk]})
    assert linked.status_code == 200 and linked.json()["depends_on"] == [task.pk]
    refused = call(client, "patch", f"/project-tasks/{later.pk}", headers, {"status": "done"})
    assert refused.status_code == 422 and "status" in refused.json()["errors"]
    later.refresh_from_db()
    assert later.status == "todo"
    foreign = call(client, "patch", f"/project-tasks/{later.pk}", headers, {"depends_on": [TaskFactory().pk]})
    assert foreign.status_code == 422 and "depends_on" in foreign.json()["errors"]
    circle = call(client, "patch", f"/project-tasks/{task.pk}", headers, {"depends_on": [later.pk]})
    assert circle.status_code == 422
    assert list(Task.objects.get(pk=task.pk).depends_on.all()) == []


def test_only_people_who_set_prices_change_budgets_and_terms(client):
    technician = UserFactory(username="tech", role=Role.TECHNICIAN)
    task = TaskFactory()
    refused = call(client, "patch", f"/projects/{task.project_id}", bearer(technician), {"budget_hours": "500"})
    assert refused.status_code == 403
    assert Project.objects.get(pk=task.project_id).budget_hours is None
    renamed = call(client, "patch", f"/projects/{task.project_id}", bearer(technician), {"name": "Renamed"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Renamed"
    finance = UserFactory(username="finance", role=Role.FINANCE)
    assert call(client, "patch", f"/projects/{task.project_id}", bearer(finance),
                {"budget_hours": "500"}).status_code == 403  # finance does not edit the desk's work (desk.write)
    manager = UserFactory(username="manager", role=Role.SERVICE_MANAGER)
    assert call(client, "patch", f"/projects/{task.project_id}", bearer(manager),
                {"budget_hours": "500"}).json()["budget_hours"] == "500.00"
