"""/api/v1/notifications and a ticket's watchers: one's own only, read tokens cannot write, contacts meet 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bspos.api.services import create_token
from bspos.notifications.models import Notification, Watcher
from bspos.notifications.tests.factories import NotificationFactory, WatcherFactory
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def bearer(user, scope: str = "write") -> dict:
    _, secret = create_token(user=user, name="test", scope=scope)
    return {"Authorization": f"Bearer {secret}"}


def test_i_list_my_own_notifications_and_filter_the_unread(client, tech, colleague):
    read = NotificationFactory(recipient=tech, read_at="2026-11-02T13:00Z")
    unread = NotificationFactory(recipient=tech)
    NotificationFactory(recipient=colleague)
    headers = bearer(tech)
    every = client.get("/api/v1/notifications", headers=headers).json()
    assert {row["id"] for row in every["items"]} == {read.pk, unread.pk}
    only_unread = client.get("/api/v1/notifications?unread=true", headers=headers).json()
    assert [row["id"] for row in only_unread["items"]] == [unread.pk]
    assert only_unread["items"][0]["ticket_number"] == unread.ticket.number
    bad = client.get("/api/v1/notifications?unread=maybe", headers=headers)
    assert bad.status_code == 422 and "unread" in bad.json()["errors"]


def test_i_mark_mine_read_and_never_anothers(client, tech, colleague):
    mine, theirs = NotificationFactory(recipient=tech), NotificationFactory(recipient=colleague)
    response = client.post(f"/api/v1/notifications/{mine.pk}/read", headers=bearer(tech))
    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read", headers=bearer(tech)).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_a_read_token_cannot_mark_read_or_watch(client, tech):
    mine, ticket = NotificationFactory(recipient=tech), TicketFactory()
    headers = bearer(tech, scope="read")
    assert client.post(f"/api/v1/notifications/{mine.pk}/read", headers=headers).status_code == 403
    assert client.post(f"/api/v1/tickets/{ticket.number}/watchers", headers=headers).status_code == 403
    assert Notification.objects.get().read_at is None and not Watcher.objects.exists()


def test_watch_list_and_unwatch_a_ticket(client, tech, colleague):
    ticket = TicketFactory()
    WatcherFactory(ticket=ticket, user=colleague)
    headers = bearer(tech)
    url = f"/api/v1/tickets/{ticket.number}/watchers"
    assert [w["username"] for w in client.post(url, headers=headers).json()] == ["cole", "tess"]
    assert [w["username"] for w in client.get(url, headers=headers).json()] == ["cole", "tess"]
    assert [w["username"] for w in client.delete(url, headers=headers).json()] == ["cole"]
    assert client.get("/api/v1/tickets/999999/watchers", headers=headers).status_code == 404


def test_a_client_contact_meets_404(client, alice):
    ticket = TicketFactory(client=alice.client)
    note = NotificationFactory(recipient=alice.user, ticket=ticket)
    headers = bearer(alice.user)
    for method, url in [("get", "/api/v1/notifications"), ("post", f"/api/v1/notifications/{note.pk}/read"),
                        ("get", f"/api/v1/tickets/{ticket.number}/watchers"),
                        ("post", f"/api/v1/tickets/{ticket.number}/watchers"),
                        ("delete", f"/api/v1/tickets/{ticket.number}/watchers")]:
        assert getattr(client, method)(url, headers=headers).status_code == 404, url


def test_the_list_makes_the_same_queries_for_3_and_30_rows(client, tech):
    headers = bearer(tech)
    NotificationFactory.create_batch(3, recipient=tech)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/notifications", headers=headers)
    NotificationFactory.create_batch(27, recipient=tech)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/notifications", headers=headers).json()["items"]) == 30
    assert len(many) == len(few)
