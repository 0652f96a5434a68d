"""Housekeeping jobs: expired sessions and old task results (both daily, both safe to run twice)."""

import os

from django.core.management import call_command
from django_tasks import task

from bspos.core.schedule import every


def task_result_days() -> int:
    """BSPOS_TASK_RESULT_DAYS: finished task results are kept this many days (default 14)."""
    return int(os.environ.get("BSPOS_TASK_RESULT_DAYS", "14"))


@every("40 3 * * *")
@task()
def clear_sessions() -> None:
    call_command("clearsessions")


@every("50 3 * * *")
@task()
def prune_task_results() -> None:
    call_command("prune_db_task_results", min_age_days=task_result_days(), verbosity=0)
