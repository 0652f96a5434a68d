"""Minimal intake rows: a source made by its service (so its token works), alerts, subscriptions, deliveries."""

import json
import uuid

import factory

from bspos.intake import services
from bspos.intake.models import Alert, AlertSource, Delivery, Event, Subscription


class AlertSourceFactory(factory.django.DjangoModelFactory):
    """`AlertSourceFactory()` is the source; its token is on `source.token` (shown once in the app)."""

    class Meta:
        model = AlertSource

    name = factory.Sequence(lambda n: f"Alertmanager {n}")
    kind = AlertSource.Kind.ALERTMANAGER

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        source, token = services.create_source(**kwargs)
        source.token = token
        return source


class AlertFactory(factory.django.DjangoModelFactory):
    """An alert as stored (no ticket); use `services.receive_alert` where the intake rules matter."""

    class Meta:
        model = Alert

    source = factory.SubFactory(AlertSourceFactory)
    fingerprint = factory.Sequence(lambda n: f"fp-{n}")
    state = Alert.State.FIRING
    title = factory.Sequence(lambda n: f"Disk {n} almost full")
    host = "db9"


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    name = factory.Sequence(lambda n: f"Chat {n}")
    url = "https://hooks.example.org/bspos"
    events = factory.LazyFunction(lambda: [Event.TICKET_CREATED])
    secret = "test-secret"


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    subscription = factory.SubFactory(SubscriptionFactory)
    event = Event.TICKET_CREATED
    delivery_id = factory.LazyFunction(uuid.uuid4)
    body = factory.LazyAttribute(lambda d: json.dumps({"id": str(d.delivery_id), "event": d.event, "data": {}}))
