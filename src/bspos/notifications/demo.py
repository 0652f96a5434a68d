"""Demo notifications: a few unread ones for tech1 and the manager, so the bell has something to show (rows only,
no email is sent)."""

from datetime import datetime, timedelta

from django.urls import reverse

from bspos.notifications.models import Event, Notification, Watcher
from bspos.people.models import User
from bspos.servicedesk.models import OPEN_STATUSES, Ticket


def load_demo_notifications(now: datetime) -> int:
    """Returns how many notifications were written."""
    people = {user.username: user for user in User.objects.filter(username__in=["tech1", "manager"])}
    tech, manager = people.get("tech1"), people.get("manager")
    if tech is None or manager is None:
        return 0
    open_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES, created_at__lte=now).select_related("client")
    mine = list(open_tickets.filter(assignee=tech).order_by("-created_at")[:3])
    others = list(open_tickets.exclude(assignee=tech).order_by("-created_at")[:2])
    if len(mine) < 3 or len(others) < 2:
        return 0
    assigned, replied, mentioned = mine
    at_risk, watched = others

    def row(user: User, event: str, ticket: Ticket, text: str, minutes_ago: int) -> Notification:
        return Notification(recipient=user, event=event, ticket=ticket, text=text, created_at=now - timedelta(
            minutes=minutes_ago), url=reverse("servicedesk:ticket", kwargs={"number": ticket.number}))

    rows = [
        row(tech, Event.ASSIGNED, assigned, f"#{assigned.number} {assigned.subject} ({assigned.client}) is assigned "
                                            f"to you", 12),
        row(tech, Event.REPLIED, replied, f"The client replied on #{replied.number} {replied.subject}", 35),
        row(tech, Event.MENTIONED, mentioned, f"{manager} mentioned you on #{mentioned.number} {mentioned.subject}: "
                                              f"@tech1 can you take a look before the client's call at 4?", 70),
        row(tech, Event.WATCHED, watched, f"#{watched.number} {watched.subject}: now priority "
                                          f"{watched.get_priority_display()}", 95),
        row(manager, Event.SLA_AT_RISK, at_risk, f"SLA resolution at risk on #{at_risk.number} {at_risk.subject} "
                                                 f"({at_risk.assignee or 'unassigned'})", 8),
        row(manager, Event.REPLIED, assigned, f"The client replied on #{assigned.number} {assigned.subject} "
                                              f"(you watch it)", 40),
    ]
    Notification.objects.bulk_create(rows)
    Watcher.objects.bulk_create([Watcher(ticket=watched, user=tech), Watcher(ticket=assigned, user=manager)])
    return len(rows)
