"""Periodic jobs, declared in code beside the work they do.

An app declares a job in its ``tasks.py``::

    from django_tasks import task
    from bspos.core.schedule import every

    @every("* * * * *")          # a cron expression: minute hour day-of-month month day-of-week
    @task()
    def check_slas() -> int: ...

``bspos scheduler`` (the scheduler work) imports every installed app's ``tasks`` module, reads ``JOBS`` and
enqueues each task on its cadence; the Django Tasks worker runs them. Jobs must be idempotent: two runs at once,
or a run after a crash, never send or create anything twice.
"""

from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps


@dataclass(frozen=True)
class Job:
    name: str  # "<app label>.<function>", stable: the scheduler keys its bookkeeping on it
    cron: str
    task: object  # a django_tasks Task


JOBS: dict[str, Job] = {}


def every(cron: str):
    """Register a django_tasks Task to be enqueued on the cron expression ``cron``."""

    def register(task_):
        func = getattr(task_, "func", task_)
        name = f"{func.__module__.removeprefix('bspos.').removesuffix('.tasks')}.{func.__name__}"
        JOBS[name] = Job(name=name, cron=cron, task=task_)
        return task_

    return register


def discover() -> dict[str, Job]:
    """Import each installed app's tasks module (so its @every declarations run) and return the jobs."""
    for config in apps.get_app_configs():
        module = f"{config.name}.tasks"
        if config.name.startswith("bspos.") and find_spec(module) is not None:
            import_module(module)
    return JOBS
