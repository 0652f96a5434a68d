"""Intake's scheduled jobs: the webhook job queues again only the deliveries a lost task left behind; stale assets."""

from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bspos.intake import tasks, webhooks
from bspos.intake.models import Delivery, Event
from bspos.servicedesk import services as desk


def test_the_webhook_job_queues_again_only_deliveries_stuck_past_their_lease(acme):
    webhooks.create_subscription(name="Receiver", url="http://127.0.0.1:9/hook", events=[Event.TICKET_CREATED])
    for subject in ("Stuck", "Just due", "Waiting to retry"):
        desk.create_ticket(client=acme, subject=subject)
    stuck, due, waiting = Delivery.objects.order_by("pk")
    now = timezone.now()
    Delivery.objects.filter(pk=stuck.pk).update(next_attempt_at=now - webhooks.LEASE - timedelta(seconds=5))
    Delivery.objects.filter(pk=due.pk).update(next_attempt_at=now)
    Delivery.objects.filter(pk=waiting.pk).update(next_attempt_at=now + timedelta(minutes=4))
    DBTaskResult.objects.all().delete()  # as if the worker had lost every queued task

    assert tasks.resume_webhooks.call() == 1
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "bspos.intake.webhooks.deliver" and queued.args_kwargs["args"] == [stuck.pk]


def test_the_stale_asset_job_marks_assets_the_rmm_has_not_seen(web1):
    web1.last_seen = timezone.now() - timedelta(days=45)
    web1.save(update_fields=["last_seen"])
    assert tasks.mark_stale_assets.call() == 1
    web1.refresh_from_db()
    assert web1.stale_since is not None
    assert tasks.mark_stale_assets.call() == 0  # run twice: nothing more
