"""A project's figures: time logged on its tasks rolls up to phases and the project, in the database."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bspos.people.tests.factories import UserFactory
from bspos.projects.models import Health, Phase, Project, ProjectStatus, Task, TaskStatus
from bspos.projects.tests.factories import PhaseFactory, ProjectFactory, TaskFactory
from bspos.servicedesk.models import TimeEntry
from bspos.servicedesk.services import log_time

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


def spend(task: Task, minutes: int, rate: str = "100.00") -> TimeEntry:
    return TimeEntry.objects.create(technician=UserFactory(username="tech"), task=task, minutes=minutes,
                                    started_at=datetime(2026, 11, 2, 10, tzinfo=UTC), cost_rate=Decimal("40"),
                                    bill_rate=Decimal(rate))


tasks_strategy = st.lists(st.tuples(st.integers(0, 2),  # phase index (2 = outside any phase)
                                    st.integers(0, 80).map(lambda q: Decimal(q) / 4),  # estimate: quarter hours
                                    st.booleans(),  # done
                                    st.lists(st.integers(1, 600), max_size=4)),  # minutes logged
                          min_size=1, max_size=6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tasks=tasks_strategy)
def test_project_and_phase_rollups_equal_the_sum_of_their_tasks_time(tasks):
    TimeEntry.objects.all().delete()
    Project.objects.all().delete()
    project = ProjectFactory()
    phases = [PhaseFactory(project=project), PhaseFactory(project=project), None]
    expected_remaining = 0
    for phase_index, estimate, done, minutes in tasks:
        task = TaskFactory(project=project, phase=phases[phase_index], estimate_hours=estimate,
                           status=TaskStatus.DONE if done else TaskStatus.TODO)
        for amount in minutes:
            spend(task, amount)
        if not done:
            expected_remaining += max(round(estimate * 60) - sum(minutes), 0)

    row = Project.objects.with_rollups(TODAY).get(pk=project.pk)
    task_rows = Task.objects.filter(project=project).with_logged()
    logged = sum(t.logged_minutes for t in task_rows)
    assert row.logged_minutes == logged == sum(sum(m) for *_, m in tasks)
    assert row.estimate_minutes == sum(round(e * 60) for _, e, _, _ in tasks)
    assert row.forecast_minutes == logged + expected_remaining
    assert row.logged_amount == pytest.approx(Decimal(logged) * 100 / 60, abs=Decimal("0.01"))
    phase_rows = {p.pk: p for p in Phase.objects.filter(project=project).with_rollups()}
    for phase in phases[:2]:
        assert phase_rows[phase.pk].logged_minutes == sum(t.logged_minutes for t in task_rows
                                                          if t.phase_id == phase.pk)
    unphased = sum(t.logged_minutes for t in task_rows if t.phase_id is None)
    assert sum(p.logged_minutes for p in phase_rows.values()) + unphased == row.logged_minutes


def health(project: Project) -> str:
    return Project.objects.with_rollups(TODAY).get(pk=project.pk).health


def test_health_over_budget_late_at_risk_on_track_and_closed():
    on_track = ProjectFactory(budget_hours=Decimal("10"), due_date=date(2026, 12, 31))
    spend(TaskFactory(project=on_track, estimate_hours=Decimal("4")), 60)
    assert health(on_track) == Health.ON_TRACK

    over = ProjectFactory(budget_hours=Decimal("1"))
    spend(TaskFactory(project=over), 61)
    assert health(over) == Health.OVER_BUDGET

    money_over = ProjectFactory(budget_amount=Decimal("100.00"))
    spend(TaskFactory(project=money_over, estimate_hours=0), 90, rate="100.00")  # worth 150
    assert health(money_over) == Health.OVER_BUDGET

    late = ProjectFactory(due_date=date(2026, 11, 19))
    assert health(late) == Health.LATE
    late_task = ProjectFactory()
    TaskFactory(project=late_task, due_on=date(2026, 11, 1))
    assert health(late_task) == Health.LATE
    TaskFactory(project=on_track, due_on=date(2026, 11, 1), status=TaskStatus.DONE)  # done tasks are never late
    assert health(on_track) == Health.ON_TRACK

    at_risk = ProjectFactory(budget_hours=Decimal("3"))
    spend(TaskFactory(project=at_risk, estimate_hours=Decimal("4")), 30)  # 0.5 h logged, 3.5 h still to do
    assert health(at_risk) == Health.AT_RISK

    done = ProjectFactory(budget_hours=Decimal("1"), status=ProjectStatus.COMPLETED, due_date=date(2026, 11, 1))
    spend(TaskFactory(project=done), 120)
    assert health(done) == Health.CLOSED
    flags = Project.objects.with_rollups(TODAY).get(pk=done.pk)
    assert flags.over_budget and not flags.is_late


def test_time_logged_on_a_task_takes_the_projects_client_and_counts_as_billable():
    task = TaskFactory()
    technician = UserFactory(username="tech")
    entry = log_time(technician=technician, task=task, minutes=45, started_at=datetime(2026, 11, 2, 9, tzinfo=UTC))
    assert entry.client_id == task.project.client_id and entry.billable and entry.ticket_id is None
    assert Project.objects.with_rollups(TODAY).get(pk=task.project_id).logged_minutes == 45


def test_no_time_on_a_closed_project():
    task = TaskFactory(project=ProjectFactory(status=ProjectStatus.COMPLETED))
    with pytest.raises(Exception, match="reopen it"):
        log_time(technician=UserFactory(username="tech"), task=task, minutes=45,
                 started_at=datetime(2026, 11, 2, 9, tzinfo=UTC))
    assert not TimeEntry.objects.exists()
