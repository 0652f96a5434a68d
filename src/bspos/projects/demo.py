"""The demo MSP's projects: onboardings, server refreshes and migrations in every state — done, on track, one over
budget, one late, one at risk, planned, on hold, cancelled — with time logged on their tasks before the billing runs
(so fixed-fee milestones and time & materials reach the invoices). Bulk inserts, deterministic (own seeded rng)."""

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from bspos.agreements.models import Agreement
from bspos.core.services import next_numbers
from bspos.projects.models import (
    BillingTerms,
    Milestone,
    Phase,
    Project,
    ProjectStatus,
    ProjectTemplate,
    Task,
    TaskStatus,
)
from bspos.projects.services import PROJECT_SEQUENCE
from bspos.projects.shipped import ship_templates

BATCH_SIZE = 2000
MIGRATION = {"phases": [
    {"name": "Prepare", "tasks": [{"name": "Audit mailboxes and shares", "estimate_hours": 4, "due_after_days": 5},
                                  {"name": "Plan the migration waves", "estimate_hours": 3, "due_after_days": 8}]},
    {"name": "Migrate", "tasks": [{"name": "Migrate the first wave", "estimate_hours": 8, "due_after_days": 15},
                                  {"name": "Migrate the remaining users", "estimate_hours": 10, "due_after_days": 22},
                                  {"name": "Retire the old server", "estimate_hours": 2, "due_after_days": 28}]}],
    "milestones": [{"name": "Everyone migrated", "due_after_days": 22, "share": 100}]}

# (name, template, status, billing, start days ago, due days from start, share of the estimate logged,
#  budget as a share of the estimate, milestones reached)
STATES = [
    ("Onboarding", "New client onboarding", ProjectStatus.COMPLETED, BillingTerms.FIXED_FEE, 150, 30, 0.95, 1.1, 3),
    ("Server refresh", "Server refresh", ProjectStatus.ACTIVE, BillingTerms.FIXED_FEE, 35, 60, 1.3, 1.0,
     1),  # over budget: the tasks took 30% longer than estimated
    ("Microsoft 365 migration", None, ProjectStatus.ACTIVE, BillingTerms.TIME_AND_MATERIALS, 50, 28, 0.5, 1.5,
     0),  # late: past its due date with tasks open
    ("Onboarding", "New client onboarding", ProjectStatus.ACTIVE, BillingTerms.FIXED_FEE, 12, 30, 0.35, 1.1, 1),
    ("Server refresh", "Server refresh", ProjectStatus.ACTIVE, BillingTerms.TIME_AND_MATERIALS, 20, 60, 0.6, 0.8, 0),
    ("Firewall replacement", None, ProjectStatus.PLANNED, BillingTerms.TIME_AND_MATERIALS, -10, 40, 0.0, 1.2, 0),
    ("Microsoft 365 migration", None, ProjectStatus.COMPLETED, BillingTerms.TIME_AND_MATERIALS, 200, 28, 1.05, 1.2,
     1),
    ("Server refresh", "Server refresh", ProjectStatus.ON_HOLD, BillingTerms.FIXED_FEE, 60, 60, 0.25, 1.1, 1),
    ("Onboarding", "New client onboarding", ProjectStatus.CANCELLED, BillingTerms.TIME_AND_MATERIALS, 120, 30, 0.1,
     1.0, 0),
    ("Wi-Fi upgrade", None, ProjectStatus.ACTIVE, BillingTerms.AGREEMENT, 15, 45, 0.4, 1.2, 0),
    ("Onboarding", "New client onboarding", ProjectStatus.COMPLETED, BillingTerms.FIXED_FEE, 95, 30, 0.9, 1.1, 3),
    ("Backup overhaul", None, ProjectStatus.ACTIVE, BillingTerms.TIME_AND_MATERIALS, 8, 30, 0.15, 1.2, 0),
]


def load_demo_projects(now: datetime, seed: int, clients: list, technicians: list, entry: Callable[..., dict],
                       next_entry_id: Callable[[], int], insert_rows: Callable, count: int = 12) -> int:
    """`count` projects (the dozen states, cycled) for active clients; `entry(user, started, minutes, client_id=…)`
    makes a time-entry row with the rates of the day. Returns the number of time entries inserted."""
    rng = random.Random(seed)
    today = now.date()
    active = [client for client in clients if client.status == "active"]
    if not active or not technicians:
        return 0
    ship_templates(ProjectTemplate)  # a flushed database has lost what the migration shipped
    templates = {t.name: t.structure for t in ProjectTemplate.objects.all()}
    agreements = dict(Agreement.objects.filter(client__in=active).order_by("client_id", "pk")
                      .values_list("client_id", "pk").distinct())
    numbers = next_numbers(PROJECT_SEQUENCE, count)
    projects, structures = [], []
    for index, number in enumerate(numbers):
        name, template, status, billing, ago, span, logged, budget, reached = STATES[index % len(STATES)]
        client = active[(index * 7 + index // len(STATES)) % len(active)]
        structure = templates.get(template) if template else MIGRATION
        estimate = sum(Decimal(str(t["estimate_hours"])) for p in structure["phases"] for t in p["tasks"])
        start = today - timedelta(days=ago)
        if billing == BillingTerms.AGREEMENT and client.pk not in agreements:
            billing = BillingTerms.TIME_AND_MATERIALS
        projects.append(Project(
            number=number, client=client, name=f"{name} — {client.name}"[:200], status=status, billing=billing,
            manager=technicians[index % len(technicians)], start_date=start, due_date=start + timedelta(days=span),
            completed_on=start + timedelta(days=span - 2) if status == ProjectStatus.COMPLETED else None,
            budget_hours=(estimate * Decimal(str(budget))).quantize(Decimal("1")),
            budget_amount=(estimate * 150).quantize(Decimal("1")) if billing == BillingTerms.FIXED_FEE else None,
            agreement_id=agreements.get(client.pk) if billing == BillingTerms.AGREEMENT else None,
            hourly_rate=Decimal("150.00") if billing == BillingTerms.TIME_AND_MATERIALS and index % 2 else 0,
            created_at=datetime.combine(min(start, today), time(9), now.tzinfo)))
        structures.append((structure, logged, reached))
    Project.objects.bulk_create(projects, batch_size=BATCH_SIZE)
    return _structure(projects, structures, today, now, rng, technicians, entry, next_entry_id, insert_rows)


def _structure(projects, structures, today: date, now: datetime, rng: random.Random, technicians, entry,
               next_entry_id, insert_rows) -> int:
    phases, milestones = [], []
    for project, (structure, _, reached) in zip(projects, structures, strict=True):
        for position, spec in enumerate(structure["phases"], start=1):
            phases.append(Phase(project=project, name=spec["name"], position=position))
        fee = project.budget_amount or Decimal(0)
        for position, spec in enumerate(structure["milestones"], start=1):
            due = project.start_date + timedelta(days=spec["due_after_days"])
            done = position <= reached and due <= today
            milestones.append(Milestone(
                project=project, name=spec["name"], position=position, due_on=due,
                amount=(fee * Decimal(str(spec["share"])) / 100).quantize(Decimal("0.01")),
                completed_on=due if done else None))
    Phase.objects.bulk_create(phases, batch_size=BATCH_SIZE)
    Milestone.objects.bulk_create(milestones, batch_size=BATCH_SIZE)
    phase_iter = iter(phases)
    tasks, plans = [], []
    for project, (structure, logged, _) in zip(projects, structures, strict=True):
        closed = project.status in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED)
        late = project.due_date < today and not closed  # the late one keeps its overdue tasks open
        for spec in structure["phases"]:
            phase = next(phase_iter)
            for position, task_spec in enumerate(spec["tasks"], start=1):
                due = project.start_date + timedelta(days=task_spec["due_after_days"])
                if project.status == ProjectStatus.PLANNED:
                    share, done = 0.0, False
                elif project.status == ProjectStatus.COMPLETED or (due <= today and not late):
                    share, done = max(logged, 0.6) * rng.uniform(0.9, 1.1), True  # tasks due so far are done
                else:
                    share, done = min(logged, 1.0) * rng.uniform(0.0, 0.8), False
                tasks.append(Task(project=project, phase=phase, name=task_spec["name"], position=position,
                                  estimate_hours=Decimal(str(task_spec["estimate_hours"])), due_on=due,
                                  assignee=rng.choice(technicians),
                                  status=TaskStatus.DONE if done else (TaskStatus.TODO if share == 0 or closed
                                                                       else TaskStatus.IN_PROGRESS),
                                  completed_at=datetime.combine(min(due, today), time(16), now.tzinfo)
                                  if done else None))
                plans.append((project, share, task_spec.get("depends_on", [])))
    Task.objects.bulk_create(tasks, batch_size=BATCH_SIZE)
    links, by_name = [], {}
    for task in tasks:
        by_name[(task.project_id, task.name)] = task
    for task, (project, _, depends_on) in zip(tasks, plans, strict=True):
        links += [Task.depends_on.through(from_task_id=task.pk, to_task_id=by_name[(project.pk, name)].pk)
                  for name in depends_on if (project.pk, name) in by_name]
    Task.depends_on.through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    entries = []
    for task, (project, share, _) in zip(tasks, plans, strict=True):
        minutes = int(task.estimate_hours * 60 * Decimal(str(share)) / 15) * 15
        if minutes <= 0:
            continue
        first = datetime.combine(project.start_date, time(9, 30), now.tzinfo)
        last = min(datetime.combine(task.due_on, time(15), now.tzinfo), now - timedelta(hours=2))
        pieces = max(1, min(4, minutes // 90))
        for piece in range(pieces):
            span = max((last - first).total_seconds(), 0)
            started = first + timedelta(seconds=rng.uniform(0, span)) if span else first
            started = started.replace(minute=started.minute // 15 * 15, second=0, microsecond=0)
            if started > now or started.date() < project.start_date:
                continue
            row = entry(task.assignee, started, minutes // pieces + (minutes % pieces if piece == 0 else 0),
                        client_id=project.client_id)
            row.update(id=next_entry_id(), task_id=task.pk)
            entries.append(row)
    insert_rows(Task._meta.get_field("time_entries").related_model, entries)
    return len(entries)
