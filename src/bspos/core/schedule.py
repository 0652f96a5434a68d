"""Periodic jobs, declared in code beside the work they do, and the one scheduler that enqueues them.

An app declares a job in its ``tasks.py``::

    from django_tasks import task
    from bspos.core.schedule import every

    @every("* * * * *")          # a cron expression: minute hour day-of-month month day-of-week
    @task()
    def check_slas() -> int: ...

Write days of the week as names (``mon-fri``, ``sun``): APScheduler 3 counts 0 as Monday, cron counts it as Sunday.
``bspos scheduler`` imports every installed app's ``tasks`` module, reads ``JOBS`` and enqueues each task on its
cadence with APScheduler's cron triggers (the approach of django-crontask, which needs Python 3.12); the Django
Tasks worker (``bspos db_worker``) runs them. Only one scheduler enqueues at a time (`SchedulerLock`). Jobs must be
idempotent: two runs at once, or a run after a crash, never send or create anything twice.
"""

import fcntl
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.apps import apps
from django.conf import settings
from django.db import close_old_connections, connections

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str  # "<app label>.<function>", stable: the scheduler keys its bookkeeping on it
    cron: str
    task: object  # a django_tasks Task
    when: Callable[[], bool] | None = None  # scheduled only when this says so at start (e.g. IMAP configured)

    def enabled(self) -> bool:
        return self.when is None or bool(self.when())


JOBS: dict[str, Job] = {}


def every(cron: str, *, when: Callable[[], bool] | None = None):
    """Register a django_tasks Task to be enqueued on the cron expression ``cron`` (only while ``when()``)."""
    CronTrigger.from_crontab(cron)  # a typo in a cadence fails at import, not silently at 3 a.m.

    def register(task_):
        func = getattr(task_, "func", task_)
        name = f"{func.__module__.removeprefix('bspos.').removesuffix('.tasks')}.{func.__name__}"
        JOBS[name] = Job(name=name, cron=cron, task=task_, when=when)
        return task_

    return register


def discover() -> dict[str, Job]:
    """Import each installed app's tasks module (so its @every declarations run) and return the jobs."""
    for config in apps.get_app_configs():
        module = f"{config.name}.tasks"
        if config.name.startswith("bspos.") and find_spec(module) is not None:
            import_module(module)
    return JOBS


def enqueue(job: Job) -> None:
    """Put one run of the job on the task queue (the worker runs it); a dropped database connection is renewed."""
    close_old_connections()
    result = job.task.enqueue()
    log.info("enqueued %s (%s)", job.name, result.id)


def scheduler(jobs: dict[str, Job] | None = None) -> BlockingScheduler:
    """A blocking APScheduler with one cron trigger per enabled job, in the project's time zone.

    Enqueuing is a single insert, so it runs in the scheduler's own thread (no pool of database connections);
    a run missed while the machine slept is enqueued once when it wakes (coalesce), not once per missed minute."""
    schedule = BlockingScheduler(timezone=settings.TIME_ZONE, executors={"default": DebugExecutor()},
                                 job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300})
    for job in (discover() if jobs is None else jobs).values():
        if job.enabled():
            schedule.add_job(enqueue, CronTrigger.from_crontab(job.cron, timezone=settings.TIME_ZONE), args=[job],
                             id=job.name, name=f"{job.name} ({job.cron})")
    return schedule


class SchedulerLock:
    """Held for the scheduler's life so only one enqueues: a PostgreSQL session advisory lock on a connection of its
    own, or on SQLite an exclusive lock on a file in the data directory. The operating system or the database
    releases it when the process dies, however it dies."""

    KEY = 0x6273706F73  # "bspos"

    def __init__(self) -> None:
        self._connection = None
        self._file = None

    def acquire(self) -> bool:
        if connections["default"].vendor == "postgresql":
            self._connection = self._connection or connections.create_connection("default")
            with self._connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.KEY])
                return bool(cursor.fetchone()[0])
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        self._file = self._file or open(settings.DATA_DIR / "scheduler.lock", "a+")  # noqa: SIM115 (held for life)
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        self._file.seek(0)
        self._file.truncate()
        self._file.write(f"{os.getpid()}\n")
        self._file.flush()
        return True

    def release(self) -> None:
        if self._connection is not None:
            self._connection.close()  # ends the session, and with it the advisory lock
            self._connection = None
        if self._file is not None:
            self._file.close()  # closing the file drops the flock
            self._file = None
