"""A template creates a project's whole structure: phases, tasks with due dates and dependencies, milestones."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bspos.audit.models import AuditEvent
from bspos.clients.tests.factories import ClientFactory
from bspos.projects import services
from bspos.projects.models import BillingTerms, Milestone, Phase, Project, ProjectTemplate, Task, TaskStatus
from bspos.projects.tests.factories import ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db
START = date(2026, 11, 2)


@pytest.mark.parametrize("name", ["New client onboarding", "Server refresh"])
def test_a_shipped_template_creates_its_phases_tasks_dependencies_and_milestones(name):
    template = ProjectTemplate.objects.get(name=name)
    project = services.create_project(client=ClientFactory(), name=f"{name} for Acme", by=None, template=template,
                                      start_date=START, budget_amount=Decimal("6000.00"))

    spec = template.structure
    phases = list(Phase.objects.filter(project=project))
    assert [p.name for p in phases] == [p["name"] for p in spec["phases"]]
    for phase, phase_spec in zip(phases, spec["phases"], strict=True):
        tasks = list(Task.objects.filter(phase=phase).order_by("position"))
        assert [(t.name, t.estimate_hours, t.due_on) for t in tasks] == [
            (t["name"], Decimal(str(t["estimate_hours"])), START + timedelta(days=t["due_after_days"]))
            for t in phase_spec["tasks"]]
        for task, task_spec in zip(tasks, phase_spec["tasks"], strict=True):
            assert sorted(task.depends_on.values_list("name", flat=True)) == sorted(task_spec["depends_on"])
    milestones = list(Milestone.objects.filter(project=project))
    assert [m.name for m in milestones] == [m["name"] for m in spec["milestones"]]
    assert sum(m.amount for m in milestones) == Decimal("6000.00")  # the shares add up to the whole fee
    assert project.billing == BillingTerms.FIXED_FEE and project.template == template
    assert project.budget_hours == services.template_hours(template) > 0
    assert project.number >= 1 and AuditEvent.objects.filter(object_id=project.pk, action="created").exists()


def test_a_broken_template_creates_nothing():
    template = ProjectTemplate.objects.create(name="Broken", structure={"phases": [{"name": "Do", "tasks": [
        {"name": "Second", "depends_on": ["First"]}]}]})
    with pytest.raises(ValidationError, match="not an earlier task"):
        services.create_project(client=ClientFactory(), name="x", by=None, template=template)
    assert not Project.objects.exists()


def test_a_task_is_done_only_after_the_tasks_it_depends_on_and_no_circle_is_allowed():
    project = ProjectFactory()
    first, second = TaskFactory(project=project), TaskFactory(project=project)
    services.update_task(second, by=None, depends_on=[first])
    with pytest.raises(ValidationError, match="waits on"):
        services.update_task(second, by=None, status=TaskStatus.DONE)
    second.refresh_from_db()
    assert second.status == TaskStatus.TODO
    with pytest.raises(ValidationError, match="circle"):
        services.update_task(first, by=None, depends_on=[second])
    services.update_task(first, by=None, status=TaskStatus.DONE)
    services.update_task(second, by=None, status=TaskStatus.DONE)
    second.refresh_from_db()
    assert second.status == TaskStatus.DONE and second.completed_at is not None
    with pytest.raises(ValidationError, match="another project"):
        services.update_task(first, by=None, depends_on=[TaskFactory()])


def test_project_rules_refused_with_a_message():
    client = ClientFactory()
    with pytest.raises(ValidationError) as refused:
        services.create_project(client=client, name="Refresh", by=None, start_date=START,
                                due_date=START - timedelta(days=1))
    assert "due_date" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.create_project(client=client, name="Refresh", by=None, billing=BillingTerms.AGREEMENT)
    assert "agreement" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.create_project(client=client, name="  ", by=None)
    assert not Project.objects.exists()
