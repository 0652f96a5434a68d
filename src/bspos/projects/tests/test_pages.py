"""The project pages as people use them: start from a template, follow the budget, log time on a task, mark
milestones; contacts never reach them."""

from datetime import date
from decimal import Decimal

import pytest

from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import RateFactory, UserFactory
from bspos.projects.models import Milestone, Project, ProjectTemplate, Task, TaskStatus
from bspos.projects.tests.factories import MilestoneFactory, ProjectFactory, TaskFactory
from bspos.servicedesk.models import TimeEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client):
    user = UserFactory(username="manager", role=Role.SERVICE_MANAGER)
    client.force_login(user)
    return user


def test_a_manager_starts_a_project_from_a_template_and_sees_its_structure(client, manager):
    company = ClientFactory(name="Acme Dental")
    template = ProjectTemplate.objects.get(name="Server refresh")
    form = client.get(f"/projects/new/?client={company.pk}")
    assert form.status_code == 200 and "Server refresh" in form.content.decode()

    response = client.post("/projects/new/", {"client": company.pk, "name": "Replace the file server",
                                              "template": template.pk, "start_date": "2026-11-02",
                                              "billing": "fixed_fee", "budget_amount": "4000.00",
                                              "hourly_rate": "0"})

    project = Project.objects.get(name="Replace the file server")
    assert response.status_code == 302 and response.url == f"/projects/{project.pk}/"
    page = client.get(response.url).content.decode()
    assert "Migrate data, shares and applications" in page and "Cut-over done" in page
    assert "34.00 h</span> forecast" in page  # the template's estimates
    listed = client.get("/projects/").content.decode()
    assert project.reference in listed and "On track" in listed
    fragment = client.get(f"/projects/client/{company.pk}/").content.decode()
    assert project.reference in fragment
    assert f'hx-get="/projects/client/{company.pk}/"' in client.get(f"/clients/{company.pk}/").content.decode()


def test_a_refused_project_form_keeps_what_was_typed(client, manager):
    company = ClientFactory()
    response = client.post("/projects/new/", {"client": company.pk, "name": "Migration to 365",
                                              "start_date": "2026-11-10", "due_date": "2026-11-01",
                                              "billing": "time_and_materials", "hourly_rate": "0"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "cannot be before the start" in body and 'value="Migration to 365"' in body
    assert not Project.objects.exists()


def test_a_technician_logs_time_on_a_task_and_the_project_rolls_it_up(client):
    technician = UserFactory(username="tech", role=Role.TECHNICIAN)
    RateFactory(user=technician, bill_rate=Decimal("120.00"))
    client.force_login(technician)
    task = TaskFactory(project=ProjectFactory(budget_hours=Decimal("1")), estimate_hours=Decimal("1"))
    page = client.get(f"/projects/{task.project_id}/").content.decode()
    assert f"/desk/tasks/{task.pk}/time/" in page
    assert "Budget (hours)" not in client.get(f"/projects/{task.project_id}/edit/").content.decode()  # prices

    refused = client.post(f"/desk/tasks/{task.pk}/time/", {"started_at": "2026-11-02T09:00", "minutes": "0",
                                                            "notes": "Racked the server", "billable": "on"})
    assert refused.status_code == 400 and "Racked the server" in refused.content.decode()
    assert not TimeEntry.objects.exists()

    logged = client.post(f"/desk/tasks/{task.pk}/time/", {"started_at": "2026-11-02T09:00", "minutes": "90",
                                                           "notes": "Racked the server", "billable": "on"})
    assert logged.status_code == 302 and logged.url == f"/projects/tasks/{task.pk}/"
    entry = TimeEntry.objects.get()
    assert (entry.task, entry.client_id, entry.bill_rate) == (task, task.project.client_id, Decimal("120.00"))
    page = client.get(f"/projects/{task.project_id}/").content.decode()
    assert "1.50 h</span> logged of 1.00 h budget (150%)" in page and "Over budget" in page
    assert "Racked the server" in client.get(f"/projects/tasks/{task.pk}/").content.decode()


def test_task_status_and_milestones_from_the_project_page(client, manager):
    project = ProjectFactory()
    first, second = TaskFactory(project=project), TaskFactory(project=project)
    second.depends_on.add(first)
    client.post(f"/projects/tasks/{second.pk}/status/", {"status": "done"})
    second.refresh_from_db()
    assert second.status == TaskStatus.TODO  # waits on the first
    client.post(f"/projects/tasks/{first.pk}/status/", {"status": "done"})
    first.refresh_from_db()
    assert first.status == TaskStatus.DONE

    milestone = MilestoneFactory(project=project)
    client.post(f"/projects/milestones/{milestone.pk}/reached/", {"on": "2026-11-02"})
    milestone.refresh_from_db()
    assert milestone.completed_on == date(2026, 11, 2)
    added = client.post(f"/projects/{project.pk}/milestones/", {"name": "", "amount": "-5"})
    assert added.status_code == 400 and Milestone.objects.filter(project=project).count() == 1
    client.post(f"/projects/{project.pk}/tasks/", {"name": "Wipe the old disks", "estimate_hours": "1.5",
                                                   "status": "todo"})
    assert Task.objects.filter(project=project, name="Wipe the old disks").exists()


def test_a_client_contact_meets_404_on_every_project_page(client):
    task = TaskFactory()
    contact = ContactFactory(client=task.project.client, user=UserFactory(role=Role.CLIENT_CONTACT))
    client.force_login(contact.user)
    for url in ["/projects/", f"/projects/{task.project_id}/", f"/projects/tasks/{task.pk}/",
                f"/projects/client/{task.project.client_id}/", "/projects/new/", f"/desk/tasks/{task.pk}/time/"]:
        assert client.get(url).status_code == 404, url


def test_the_list_filters_by_health_and_says_what_to_do_when_empty(client, manager):
    late = ProjectFactory(name="Late one", due_date=date(2020, 1, 1), start_date=date(2019, 1, 1))
    ProjectFactory(name="Fine one")
    body = client.get("/projects/?health=late").content.decode()
    assert late.name in body and "Fine one" not in body
    empty = client.get("/projects/?q=nothing-like-this").content.decode()
    assert "No projects match" in empty and "Start one" in empty
    assert "Some filters were ignored" in client.get("/projects/?health=purple").content.decode()
