"""The daily clean-ups: expired sessions and task results older than BSPOS_TASK_RESULT_DAYS go, the rest stays."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bspos.core import tasks

pytestmark = pytest.mark.django_db


def test_old_task_results_are_pruned_and_recent_and_queued_ones_kept(monkeypatch):
    monkeypatch.setenv("BSPOS_TASK_RESULT_DAYS", "14")
    for _ in range(3):
        tasks.clear_sessions.enqueue()
    old, recent, queued = DBTaskResult.objects.order_by("pk")
    now = timezone.now()
    DBTaskResult.objects.filter(pk=old.pk).update(status="SUCCESSFUL", finished_at=now - timedelta(days=20))
    DBTaskResult.objects.filter(pk=recent.pk).update(status="SUCCESSFUL", finished_at=now - timedelta(days=2))
    tasks.prune_task_results.call()
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent.pk, queued.pk}


def test_expired_sessions_are_cleared_and_live_ones_kept():
    now = timezone.now()
    Session.objects.create(session_key="expired", session_data="", expire_date=now - timedelta(days=1))
    Session.objects.create(session_key="live", session_data="", expire_date=now + timedelta(days=1))
    tasks.clear_sessions.call()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
