"""The scheduler that ships with bspos: every declared job is registered with its cron and, when its trigger fires,
enqueued for the task worker; only one scheduler enqueues at a time, a second one stands by and takes over."""

import signal
from datetime import UTC, datetime

import pytest
from django_tasks_db.models import DBTaskResult

from bspos.conftest import bspos_process, read_until
from bspos.core.schedule import JOBS, SchedulerLock, every, scheduler

# The cadences the operations guide promises (docs/operations.md).
PROMISED = {"mail.send_outbox": "* * * * *", "intake.resume_webhooks": "*/5 * * * *",
            "intake.mark_stale_assets": "10 2 * * *", "reviews.plan_reviews": "15 2 * * *",
            "reviews.send_monthly_summaries": "0 7 2 * *",
            "core.clear_sessions": "40 3 * * *", "core.prune_task_results": "50 3 * * *"}


def next_run(schedule, name: str, after: datetime) -> datetime:
    return schedule.get_job(name).trigger.get_next_fire_time(None, after)


def test_every_declared_job_is_registered_with_its_cadence(monkeypatch):
    monkeypatch.delenv("BSPOS_IMAP_HOST", raising=False)
    schedule = scheduler()
    registered = {job.id for job in schedule.get_jobs()}
    assert set(PROMISED) <= registered and "mail.fetch_mail" not in registered  # no mailbox configured
    assert all(JOBS[name].cron == cron for name, cron in PROMISED.items())
    at = datetime(2026, 12, 2, 5, 41, 30, tzinfo=UTC)
    assert next_run(schedule, "mail.send_outbox", at) == datetime(2026, 12, 2, 5, 42, tzinfo=UTC)
    assert next_run(schedule, "intake.resume_webhooks", at) == datetime(2026, 12, 2, 5, 45, tzinfo=UTC)
    assert next_run(schedule, "reviews.plan_reviews", at) == datetime(2026, 12, 3, 2, 15, tzinfo=UTC)
    assert next_run(schedule, "core.clear_sessions", at) == datetime(2026, 12, 3, 3, 40, tzinfo=UTC)


def test_mail_is_fetched_every_minute_once_a_mailbox_is_configured(monkeypatch):
    monkeypatch.setenv("BSPOS_IMAP_HOST", "imap.msp.test")
    schedule = scheduler()
    at = datetime(2026, 12, 2, 5, 59, 59, tzinfo=UTC)
    assert next_run(schedule, "mail.fetch_mail", at) == datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)  # the scheduler renews its connection, as it does outside a test
def test_a_job_whose_trigger_fires_is_enqueued_for_the_worker():
    job = scheduler().get_job("reviews.plan_reviews")
    job.func(*job.args)  # what the scheduler does when the trigger fires
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "bspos.reviews.tasks.plan_reviews" and queued.status == "READY"


def test_a_cadence_with_a_typo_is_refused_when_declared():
    with pytest.raises(ValueError):
        every("61 * * * *")


@pytest.mark.django_db(transaction=True)
def test_a_second_scheduler_cannot_take_the_lock_until_the_first_lets_go():
    first, second = SchedulerLock(), SchedulerLock()
    try:
        assert first.acquire()
        assert not second.acquire()
        first.release()
        assert second.acquire()
    finally:
        first.release()
        second.release()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_second_bspos_scheduler_stands_by_and_takes_over_when_the_first_stops(tmp_path):
    env = {"BSPOS_DATA_DIR": str(tmp_path)}  # the SQLite lock file lives in the data dir
    first = bspos_process("scheduler", env=env)
    second = None
    try:
        read_until(first, "Scheduler started with")
        second = bspos_process("scheduler", "--standby-interval", "0.2", env=env)
        read_until(second, "stands by")
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=30) == 0
        assert "mail.send_outbox" in read_until(second, "Scheduler started with")
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
