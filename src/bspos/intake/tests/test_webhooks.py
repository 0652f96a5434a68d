"""Webhooks out: persisted with the change, signed (the documented recipe verifies), retried with backoff."""

import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from bspos.intake import webhooks
from bspos.intake.models import Delivery, Event
from bspos.intake.tests.receiver import Receiver
from bspos.servicedesk import services as desk
from bspos.servicedesk.models import Status


def verify_as_documented(secret: str, headers: dict, body: bytes) -> bool:
    """The recipe in docs/intake.md, written out as a receiver would (not bspos's own helper)."""
    timestamp = headers["x-bspos-timestamp"]
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(timestamp)) <= 300
    return fresh and hmac.compare_digest(expected, headers["x-bspos-signature"])


def subscribe(url: str, *events: str):
    return webhooks.create_subscription(name="Receiver", url=url, events=list(events) or list(Event.values))


def test_a_ticket_event_reaches_a_real_receiver_signed_with_the_documented_recipe(acme):
    with Receiver() as receiver:
        subscription = subscribe(receiver.url, Event.TICKET_CREATED)
        ticket = desk.create_ticket(client=acme, subject="Scanner offline")
        delivery = Delivery.objects.get()
        assert webhooks.attempt(delivery.pk) == Delivery.State.DELIVERED
    headers, body = receiver.received[0]
    assert verify_as_documented(subscription.secret, headers, body)
    assert not verify_as_documented("another secret", headers, body)
    assert not verify_as_documented(subscription.secret, headers, body.replace(b"Scanner", b"Printer"))
    payload = json.loads(body)
    assert payload["id"] == headers["x-bspos-delivery"] == str(delivery.delivery_id)
    assert (payload["event"], payload["data"]["number"], headers["x-bspos-event"]) == (
        "ticket.created", ticket.number, "ticket.created")
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 1, 200)
    assert webhooks.attempt(delivery.pk) is None and len(receiver.received) == 1  # delivered: never again


def test_failures_are_retried_with_exponential_backoff_and_then_given_up(acme, django_capture_on_commit_callbacks):
    with Receiver(statuses=[500, 503] + [500] * 10) as receiver:
        subscribe(receiver.url, Event.TICKET_CREATED)
        desk.create_ticket(client=acme, subject="Flaky receiver")
        delivery = Delivery.objects.get()
        waits = []
        for _ in range(webhooks.MAX_ATTEMPTS):
            before = timezone.now()
            with django_capture_on_commit_callbacks(execute=False) as callbacks:
                state = webhooks.attempt(delivery.pk)
            delivery.refresh_from_db()
            if state == Delivery.State.PENDING:
                waits.append(round((delivery.next_attempt_at - before).total_seconds()))
                assert len(callbacks) == 1  # the retry is queued for the worker
                assert webhooks.attempt(delivery.pk) is None  # not due yet
                Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert waits == [30, 60, 120, 240, 480, 960, 1920]
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("failed", webhooks.MAX_ATTEMPTS, 500)
    assert len(receiver.received) == webhooks.MAX_ATTEMPTS
    assert len({h["x-bspos-delivery"] for h, _ in receiver.received}) == 1  # one id for all attempts


def test_an_unreachable_receiver_is_retried_and_a_resend_delivers_with_the_same_id(acme):
    subscription = subscribe("http://127.0.0.1:9/nothing-listens", Event.TICKET_CREATED)
    desk.create_ticket(client=acme, subject="Nobody home")
    delivery = Delivery.objects.get()
    assert webhooks.attempt(delivery.pk) == Delivery.State.PENDING
    delivery.refresh_from_db()
    assert delivery.last_status is None and delivery.last_error
    with Receiver() as receiver:
        subscription.url = receiver.url
        subscription.save()
        webhooks.redeliver(delivery)
        assert webhooks.attempt(delivery.pk) == Delivery.State.DELIVERED
    assert receiver.received[0][0]["x-bspos-delivery"] == str(delivery.delivery_id)


def test_events_follow_the_subscription_and_a_rolled_back_change_sends_nothing(acme):
    subscribe("https://example.org/resolved", Event.TICKET_RESOLVED)
    ticket = desk.create_ticket(client=acme, subject="Only resolution counts")
    assert not Delivery.objects.exists()
    with pytest.raises(RuntimeError), transaction.atomic():
        desk.change_status(ticket, Status.RESOLVED, resolution="Fixed.")
        assert Delivery.objects.count() == 1
        raise RuntimeError("rolled back")
    assert not Delivery.objects.exists()
    ticket.refresh_from_db()
    desk.change_status(ticket, Status.RESOLVED, resolution="Fixed.")
    assert json.loads(Delivery.objects.get().body)["data"]["status"] == "resolved"


def test_every_event_kind_can_be_subscribed(acme, source, web1):
    from bspos.intake import services

    subscribe("https://example.org/all")
    services.receive_alert(source=source[0], incoming=services.Incoming(
        fingerprint="f1", state="firing", title="Disk", hosts=["web1"]))
    events = set(Delivery.objects.values_list("event", flat=True))
    assert {"alert.received", "ticket.created"} <= events
    delivery = Delivery.objects.get(event="alert.received")
    assert json.loads(delivery.body)["data"]["action"] == "opened"


def test_backoff_doubles_and_is_capped():
    assert [webhooks.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert webhooks.backoff(30) == timedelta(hours=6)


def test_issuing_invoices_sends_invoice_issued_and_the_demo_has_sample_alerts(db):
    from datetime import date

    from bspos.demo.services import DemoSize, load_demo
    from bspos.intake.models import Alert
    from bspos.money.models import Invoice
    from bspos.money.services import issue_invoices

    load_demo(DemoSize(clients=3, months=2, seed=5, today=date(2026, 11, 20)))
    assert Alert.objects.filter(client__isnull=True, state="firing").count() == 3
    subscribe("https://example.org/money", Event.INVOICE_ISSUED)
    drafts = list(Invoice.objects.filter(status="draft", kind="invoice"))
    assert drafts
    issue_invoices(Invoice.objects.filter(pk__in=[i.pk for i in drafts]))
    bodies = [json.loads(b) for b in Delivery.objects.filter(event="invoice.issued").values_list("body", flat=True)]
    assert sorted(b["data"]["id"] for b in bodies) == sorted(i.pk for i in drafts)
    assert all(b["data"]["number"] for b in bodies)


def test_a_batch_of_alerts_over_the_api_sends_one_delivery_per_event(api, web1):
    subscribe("https://example.org/all", Event.TICKET_CREATED, Event.ALERT_RECEIVED)
    body = {"alerts": [{"key": "x1", "title": "X1", "host": "web1"}, {"key": "x2", "title": "X2", "host": "web1"},
                       {"key": "x1", "title": "X1", "host": "web1"}]}
    assert api.post("/api/v1/alerts", data=json.dumps(body), content_type="application/json").status_code == 200
    events = sorted(Delivery.objects.values_list("event", flat=True))
    assert events == ["alert.received", "alert.received", "ticket.created", "ticket.created"]  # no repeat
