"""Two real task workers (`bspos db_worker`) draining the outbox at once send each message exactly once, also while
the every-minute mail job runs beside the per-message tasks (run it on PostgreSQL: `scripts/with-postgres.sh`)."""

from collections import Counter

import pytest
from django.core.mail import EmailMessage
from django_tasks_db.models import DBTaskResult

from bspos.conftest import bspos_process, read_until, wait
from bspos.mail import tasks
from bspos.mail.models import OutboundMessage

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_two_workers_send_each_outbox_message_once(smtp_env, smtp_sink):
    controller, _ = smtp_sink
    env = {"BSPOS_SMTP_HOST": "127.0.0.1", "BSPOS_SMTP_PORT": str(controller.port)}
    workers = [bspos_process("db_worker", "--no-startup-delay", "--interval", "0.1", "--no-reload", env=env)
               for _ in range(2)]
    try:
        for worker in workers:
            read_until(worker, "Starting worker")  # both are polling before anything is queued
        for n in range(30):
            EmailMessage(subject=f"Ticket update {n}", body="Done.", to=[f"client{n}@acme-dental.test"]).send()
            if n % 5 == 0:
                tasks.send_outbox.enqueue()  # the mail job's sweeps compete with the per-message tasks for the rows
        wait(lambda: not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists(), timeout=180)
    finally:
        for worker in workers:
            worker.terminate()
        output = [worker.communicate(timeout=30)[0] for worker in workers]
    assert OutboundMessage.objects.filter(state=OutboundMessage.State.SENT).count() == 30, output
    received = Counter(message["Message-ID"] for message in smtp_env)
    assert len(received) == 30 and set(received.values()) == {1}
    assert set(received) == set(OutboundMessage.objects.values_list("message_id", flat=True))
    assert all(attempts == 1 for attempts in OutboundMessage.objects.values_list("attempts", flat=True))
    ran = {worker for ids in DBTaskResult.objects.values_list("worker_ids", flat=True) for worker in ids}
    assert len(ran) == 2  # both workers took tasks
