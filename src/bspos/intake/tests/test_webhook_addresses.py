"""Webhooks never reach the MSP's own network unless the owner allows it."""

import pytest
from django.core.exceptions import ValidationError

from bspos.intake import webhooks
from bspos.intake.models import Delivery, Event
from bspos.intake.tests.receiver import Receiver
from bspos.servicedesk import services as desk


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/hook", "http://localhost/hook", "http://10.1.2.3/",
                                 "https://192.168.0.10/", "http://169.254.169.254/latest/meta-data/",
                                 "http://[::1]:9/", "http://0.0.0.0/"])
def test_subscriptions_to_private_addresses_are_refused(db, monkeypatch, url):
    monkeypatch.delenv("BSPOS_WEBHOOK_ALLOWED_NETWORKS")
    with pytest.raises(ValidationError) as refused:
        webhooks.create_subscription(name="Inside", url=url, events=[Event.TICKET_CREATED])
    assert "private address" in refused.value.message_dict["url"][0]
    assert not webhooks.Subscription.objects.exists()


def test_a_public_address_is_accepted_and_an_allowed_network_opens_a_private_one(db, monkeypatch):
    monkeypatch.delenv("BSPOS_WEBHOOK_ALLOWED_NETWORKS")
    webhooks.create_subscription(name="Public", url="https://93.184.215.14/hook", events=[Event.TICKET_CREATED])
    monkeypatch.setenv("BSPOS_WEBHOOK_ALLOWED_NETWORKS", "10.0.0.0/8")
    webhooks.create_subscription(name="Allowed", url="http://10.1.2.3/hook", events=[Event.TICKET_CREATED])
    with pytest.raises(ValidationError):
        webhooks.create_subscription(name="Other", url="http://192.168.1.1/", events=[Event.TICKET_CREATED])


def test_a_delivery_is_checked_again_before_it_is_sent(acme, monkeypatch):
    with Receiver() as receiver:
        webhooks.create_subscription(name="Loopback", url=receiver.url, events=[Event.TICKET_CREATED])
        desk.create_ticket(client=acme, subject="Sent only while allowed")
        monkeypatch.delenv("BSPOS_WEBHOOK_ALLOWED_NETWORKS")  # the owner withdrew the exception
        delivery = Delivery.objects.get()
        assert webhooks.attempt(delivery.pk) == Delivery.State.PENDING
    delivery.refresh_from_db()
    assert "private address" in delivery.last_error and receiver.received == []


def test_a_redirect_is_not_followed(acme):
    with Receiver(statuses=[302]) as receiver:
        webhooks.create_subscription(name="Redirects", url=receiver.url, events=[Event.TICKET_CREATED])
        desk.create_ticket(client=acme, subject="Redirected")
        delivery = Delivery.objects.get()
        webhooks.attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.PENDING and delivery.last_status == 302
    assert len(receiver.received) == 1
