"""The django-tasks database worker sends deliveries; killing it mid-delivery loses nothing."""

import signal
import time

import pytest

from bspos.conftest import bspos_process
from bspos.intake import webhooks
from bspos.intake.models import Delivery, Event
from bspos.intake.tests.receiver import Receiver
from bspos.servicedesk import services as desk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
LEASE = 2


def bspos(*args: str):
    return bspos_process(*args, env={"BSPOS_WEBHOOK_LEASE_SECONDS": str(LEASE)})


def test_a_worker_killed_mid_delivery_loses_nothing_and_the_next_one_delivers(acme, monkeypatch):
    monkeypatch.setattr(webhooks, "LEASE", webhooks.timedelta(seconds=LEASE))
    with Receiver(delay=30) as receiver:  # the first request hangs: the worker is inside the delivery
        webhooks.create_subscription(name="Slow", url=receiver.url, events=[Event.TICKET_CREATED])
        desk.create_ticket(client=acme, subject="Server room too warm")  # commits: the task is queued
        delivery = Delivery.objects.get()
        worker = bspos("db_worker", "--no-startup-delay", "--interval", "0.2", "--no-reload")
        try:
            assert receiver.started.wait(timeout=60), worker.stdout.read() if worker.poll() is not None else ""
        finally:
            worker.send_signal(signal.SIGKILL)  # dies mid-delivery, no clean-up
            worker.wait(timeout=10)
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == (Delivery.State.PENDING, 1)

        time.sleep(LEASE + 0.5)  # the claim's lease runs out
        resumed = bspos("resume-webhooks")
        assert "1 pending delivery queued." in resumed.communicate(timeout=60)[0]
        batch = bspos("db_worker", "--batch", "--no-startup-delay", "--no-reload")
        output = batch.communicate(timeout=60)[0]
        delivery.refresh_from_db()
        assert delivery.state == Delivery.State.DELIVERED, output
    assert delivery.attempts == 2
    ids = {headers["x-bspos-delivery"] for headers, _ in receiver.received}
    assert ids == {str(delivery.delivery_id)}  # the receiver can de-duplicate by it
