"""Reads for notifications: the bell's count, who chose which channel, who watches a ticket, who hears of SLA."""

from collections.abc import Iterable

from django.db.models import QuerySet

from bspos.notifications.models import Event, Notification, Preference, default_channels
from bspos.people.models import Role, User
from bspos.servicedesk.models import Ticket


def unread_count(user: User) -> int:
    """The number on the bell: one indexed count."""
    return Notification.objects.for_recipient(user).unread().count()


def channels_for(users: Iterable[User], event: str) -> dict[int, tuple[bool, bool]]:
    """(in_app, email) per user id for one event: their saved choice, else the default for their role (one query)."""
    people = {user.pk: user for user in users}
    saved = {user_id: (in_app, email) for user_id, in_app, email in Preference.objects.filter(
        user_id__in=people, event=event).values_list("user_id", "in_app", "email")}
    return {pk: saved.get(pk) or default_channels(event, user.role) for pk, user in people.items()}


def preferences_for(user: User) -> dict[str, tuple[bool, bool]]:
    """Every event with the person's (in_app, email) choice, defaults filled in: what the preferences page shows."""
    saved = {event: (in_app, email) for event, in_app, email in user.notification_preferences.values_list(
        "event", "in_app", "email")}
    return {event: saved.get(event) or default_channels(event, user.role) for event in Event}


def watchers_of(ticket: Ticket) -> QuerySet[User]:
    return User.objects.filter(watched_tickets__ticket=ticket, is_active=True).order_by(
        "watched_tickets__created_at", "pk")


def watch_state(ticket: Ticket, user: User) -> dict:
    """The ticket's watchers and whether this person is one of them (one query): the ticket page's watch box."""
    watchers = list(watchers_of(ticket))
    return {"ticket": ticket, "watchers": watchers, "watching": any(w.pk == user.pk for w in watchers)}


def service_managers() -> QuerySet[User]:
    """The team's managers: told of SLA events on every ticket, and of critical alert tickets nobody holds."""
    return User.objects.filter(role=Role.SERVICE_MANAGER, is_active=True)


def critical_alert_audience() -> QuerySet[User]:
    """Who may hear of a critical alert ticket with no assignee: managers, and technicians who opted in (their
    default for the event is off, see `default_channels`)."""
    return User.objects.filter(role__in=[Role.SERVICE_MANAGER, Role.TECHNICIAN], is_active=True)
