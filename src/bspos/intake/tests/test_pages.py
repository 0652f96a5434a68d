"""The intake pages: alerts and the unassigned queue, sources (token shown once), webhooks and their log."""

import pytest
from django.urls import reverse

from bspos.clients.models import Client
from bspos.intake import services, webhooks
from bspos.intake.models import Alert, AlertSource, Subscription
from bspos.people.models import Role, User
from bspos.servicedesk.models import Source, Ticket


def user(role: str) -> User:
    return User.objects.create_user(f"u-{role}", password="x" * 12, role=role)


@pytest.fixture
def unassigned(source) -> Alert:
    services.receive_alert(source=source[0], incoming=services.Incoming(
        fingerprint="db9-cpu", state="firing", title="CPU 100% on db9", hosts=["db9"], severity="critical"))
    return Alert.objects.get()


PAGES = ["intake:alerts", "intake:sources", "intake:webhooks"]


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.FINANCE, Role.OWNER])
def test_staff_read_the_intake_pages_and_a_contact_meets_404(client, unassigned, role):
    client.force_login(user(role))
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    client.force_login(user(Role.CLIENT_CONTACT))
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 404, name


def test_the_unassigned_queue_lists_the_alert_and_assigning_it_opens_the_ticket(client, unassigned, acme):
    client.force_login(user(Role.TECHNICIAN))
    page = client.get(reverse("intake:alerts"), {"unassigned": "true"})
    assert b"CPU 100% on db9" in page.content and b"Assign and open ticket" in page.content
    response = client.post(reverse("intake:assign", args=[unassigned.pk]), {"client": acme.pk})
    ticket = Ticket.objects.get()
    assert response.url == reverse("servicedesk:ticket", args=[ticket.number])
    assert (ticket.client, ticket.source, ticket.priority) == (acme, Source.ALERT, 1)
    assert b"No alerts match" in client.get(reverse("intake:alerts"), {"unassigned": "true"}).content
    again = client.post(reverse("intake:assign", args=[unassigned.pk]), {"client": acme.pk}, follow=True)
    assert b"already belongs to a client" in again.content and Ticket.objects.count() == 1


def test_finance_reads_but_cannot_assign_or_configure(client, unassigned, acme):
    client.force_login(user(Role.FINANCE))
    assert client.post(reverse("intake:assign", args=[unassigned.pk]), {"client": acme.pk}).status_code == 403
    assert client.post(reverse("intake:source-new"), {"name": "x"}).status_code == 403
    assert client.post(reverse("intake:subscription-new"), {"name": "x"}).status_code == 403
    assert Ticket.objects.count() == 0 and AlertSource.objects.count() == 1


def test_a_new_source_shows_its_token_once_and_the_token_works(client, db):
    client.force_login(user(Role.SERVICE_MANAGER))
    page = client.post(reverse("intake:source-new"), {"name": "Tactical RMM", "kind": "generic",
                                                      "severity_map": "error=2, warning=3", "default_priority": "4",
                                                      "refire": "new"})
    token = page.content.decode().split('id="new-token">')[1].split("<")[0]
    source = AlertSource.objects.get(name="Tactical RMM")
    assert services.authenticate_source(token) == source and token not in str(source.__dict__)
    assert (source.severity_map, source.default_priority, source.resolve_on_resolved) == (
        {"error": 2, "warning": 3}, 4, False)
    assert token not in client.get(reverse("intake:sources")).content.decode()
    bad = client.post(reverse("intake:source-new"), {"name": "Bad", "severity_map": "critical=7"})
    assert bad.status_code == 422 and not AlertSource.objects.filter(name="Bad").exists()


def test_a_subscription_is_created_and_its_deliveries_are_logged(client, acme):
    client.force_login(user(Role.OWNER))
    client.post(reverse("intake:subscription-new"), {"name": "Chat", "url": "https://hooks.example.org/x",
                                                     "events": ["ticket.created"]})
    subscription = Subscription.objects.get()
    assert subscription.events == ["ticket.created"] and len(subscription.secret) >= 32
    from bspos.servicedesk.services import create_ticket

    create_ticket(client=Client.objects.get(), subject="Printer offline")
    log = client.get(reverse("intake:webhooks"))
    assert b"ticket.created" in log.content and b"1 pending" in log.content
    delivery = subscription.deliveries.get()
    detail = client.get(reverse("intake:delivery", args=[delivery.pk]))
    assert str(delivery.delivery_id).encode() in detail.content and b"Printer offline" in detail.content
    refused = client.post(reverse("intake:subscription-new"), {"name": "Bad", "url": "ftp://x", "events": ["nope"]},
                          follow=True)
    assert b"http:// or https://" in refused.content and Subscription.objects.count() == 1
    assert webhooks.Delivery.objects.count() == 1


def test_a_new_token_replaces_the_old_one_and_a_disabled_source_is_refused(client, source):
    client.force_login(user(Role.SERVICE_MANAGER))
    old = source[1]
    page = client.post(reverse("intake:source-action", args=[source[0].pk, "rotate"]))
    new = page.content.decode().split('id="new-token">')[1].split("<")[0]
    assert services.authenticate_source(old) is None and services.authenticate_source(new) == source[0]
    client.post(reverse("intake:source-action", args=[source[0].pk, "disable"]))
    assert services.authenticate_source(new) is None


def test_a_failed_delivery_can_be_sent_again_and_the_back_office_lists_intake(client, acme):
    owner = user(Role.OWNER)
    owner.is_staff = owner.is_superuser = True
    owner.save()
    client.force_login(owner)
    subscription = webhooks.create_subscription(name="Down", url="http://127.0.0.1:9/", events=["ticket.created"])
    from bspos.servicedesk.services import create_ticket

    create_ticket(client=acme, subject="Fan noise")
    delivery = subscription.deliveries.get()
    webhooks.Delivery.objects.filter(pk=delivery.pk).update(state="failed", attempts=webhooks.MAX_ATTEMPTS)
    client.post(reverse("intake:delivery-resend", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", webhooks.MAX_ATTEMPTS - 1)
    for model in ("alertsource", "alert", "subscription", "delivery"):
        assert client.get(reverse(f"admin:intake_{model}_changelist")).status_code == 200, model
