"""The bell, the notifications page, preferences and the ticket page's watch box; client contacts meet 404."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bspos.notifications.models import Event, Notification, Preference, Watcher
from bspos.notifications.tests.factories import NotificationFactory, WatcherFactory
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def checked(page: str, name: str) -> bool:
    return re.search(rf'name="{name}"[^>]* checked', page) is not None


def bell(client) -> str:
    response = client.get(reverse("notifications:bell"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_bell_on_every_page_counts_my_unread_notifications_and_polls_every_30_seconds(client, tech, colleague):
    NotificationFactory.create_batch(2, recipient=tech)
    NotificationFactory(recipient=tech, read_at="2026-11-02T13:00Z")
    NotificationFactory(recipient=colleague)
    client.force_login(tech)
    page = client.get(reverse("servicedesk:queue")).content.decode()
    assert 'aria-label="Notifications: 2 unread"' in page and 'hx-trigger="every 30s"' in page
    assert 'aria-label="Notifications: 2 unread"' in bell(client)


def test_the_bell_makes_the_same_queries_for_one_and_many_unread(client, tech):
    client.force_login(tech)
    NotificationFactory(recipient=tech)
    bell(client)  # session and user loaded once, like every later poll
    with CaptureQueriesContext(connection) as one:
        bell(client)
    NotificationFactory.create_batch(30, recipient=tech)
    with CaptureQueriesContext(connection) as many:
        content = bell(client)
    assert "31 unread" in content and len(many) == len(one)


def test_a_signed_out_poll_changes_nothing(client):
    assert client.get(reverse("notifications:bell")).status_code == 204


def test_the_list_filters_unread_and_marks_read(client, tech):
    old = NotificationFactory(recipient=tech, text="Old news", read_at="2026-11-02T13:00Z")
    new = NotificationFactory(recipient=tech, text="Fresh news")
    client.force_login(tech)
    unread = client.get(reverse("notifications:list"), {"unread": "true"}).content.decode()
    assert "Fresh news" in unread and "Old news" not in unread
    read = client.get(reverse("notifications:list"), {"unread": "false"}).content.decode()
    assert "Old news" in read and "Fresh news" not in read
    response = client.post(reverse("notifications:read", args=[new.pk]))
    assert response.status_code == 302
    assert list(Notification.objects.filter(read_at__isnull=True)) == []
    old.refresh_from_db()
    assert old.read_at.day == 2 and old.read_at.month == 11  # already read: its time is kept


def test_opening_a_notification_marks_it_read_and_goes_to_the_ticket(client, tech):
    note = NotificationFactory(recipient=tech)
    client.force_login(tech)
    response = client.post(reverse("notifications:read", args=[note.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == f"/desk/tickets/{note.ticket.number}/"
    assert Notification.objects.get().read_at is not None


def test_mark_all_read_marks_only_mine(client, tech, colleague):
    NotificationFactory.create_batch(3, recipient=tech)
    theirs = NotificationFactory(recipient=colleague)
    client.force_login(tech)
    response = client.post(reverse("notifications:read-all"), follow=True)
    assert "3 notifications marked read." in response.content.decode()
    assert not Notification.objects.filter(recipient=tech, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_someone_elses_notification_is_404(client, tech, colleague):
    theirs = NotificationFactory(recipient=colleague)
    client.force_login(tech)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert "Fresh" not in client.get(reverse("notifications:list")).content.decode()


def test_an_empty_list_says_what_brings_notifications(client, tech):
    client.force_login(tech)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Nothing yet." in page and "choose Watch" in page


def test_a_bad_filter_is_ignored_with_a_reason(client, tech):
    NotificationFactory(recipient=tech, text="Fresh news")
    client.force_login(tech)
    page = client.get(reverse("notifications:list"), {"event": "nonsense"}).content.decode()
    assert "Some filters were ignored" in page and "Fresh news" in page


def test_preferences_show_the_defaults_and_save_my_choice(client, tech):
    client.force_login(tech)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert checked(page, "assigned_email") and checked(page, "watched_in_app")
    assert not checked(page, "watched_email") and not checked(page, "critical_alert_in_app")  # a technician's
    response = client.post(reverse("notifications:preferences"), {"assigned_in_app": "on", "watched_email": "on"})
    assert response.status_code == 302
    saved = {p.event: (p.in_app, p.email) for p in Preference.objects.filter(user=tech)}
    assert saved[Event.ASSIGNED] == (True, False) and saved[Event.WATCHED] == (False, True)
    assert saved[Event.MENTIONED] == (False, False)


def test_the_ticket_page_has_a_watch_button_and_the_watchers(client, tech, colleague):
    ticket = TicketFactory()
    WatcherFactory(ticket=ticket, user=colleague)
    client.force_login(tech)
    page = client.get(reverse("servicedesk:ticket", args=[ticket.number])).content.decode()
    assert 'id="watchers"' in page and "Cole" in page and 'value="watch"' in page


def test_watch_and_unwatch_with_htmx_answer_the_watch_box(client, tech):
    ticket = TicketFactory()
    client.force_login(tech)
    url = reverse("notifications:watch", args=[ticket.number])
    box = client.post(url, {"action": "watch"}, headers={"HX-Request": "true"}).content.decode()
    assert box.startswith('<section id="watchers"') and "Tess" in box and 'value="unwatch"' in box
    client.post(url, {"action": "watch"}, headers={"HX-Request": "true"})
    assert Watcher.objects.filter(ticket=ticket, user=tech).count() == 1
    response = client.post(url, {"action": "unwatch"})
    assert response.status_code == 302 and not Watcher.objects.exists()


def test_an_unknown_watch_action_is_a_clear_400(client, tech):
    ticket = TicketFactory()
    client.force_login(tech)
    response = client.post(reverse("notifications:watch", args=[ticket.number]), {"action": "explode"})
    assert response.status_code == 400 and b"watch or unwatch" in response.content and not Watcher.objects.exists()


def test_client_contacts_meet_404_everywhere(client, alice):
    ticket = TicketFactory(client=alice.client)
    note = NotificationFactory(recipient=alice.user, ticket=ticket)
    client.force_login(alice.user)
    for method, url in [("get", reverse("notifications:list")), ("get", reverse("notifications:bell")),
                        ("get", reverse("notifications:preferences")), ("post", reverse("notifications:read-all")),
                        ("post", reverse("notifications:read", args=[note.pk])),
                        ("post", reverse("notifications:watch", args=[ticket.number]))]:
        assert getattr(client, method)(url).status_code == 404, url
    assert "notifications:bell" not in client.get(reverse("portal:tickets")).content.decode()
    assert 'id="bell"' not in client.get(reverse("portal:tickets")).content.decode()
