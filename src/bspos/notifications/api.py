"""The signed-in person's notifications and a ticket's watchers (staff only; a client contact meets 404)."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate

from bspos.core.api import MAX_ID, Pages, require_write, staff_read
from bspos.core.filters import api_filter, query_schema
from bspos.core.permissions import Can
from bspos.notifications import selectors, services
from bspos.notifications.filters import NotificationFilter
from bspos.notifications.models import Notification
from bspos.servicedesk.models import Ticket

router = Router(tags=["notifications"])
PathId = Path(..., ge=1, le=MAX_ID)


class NotificationOut(Schema):
    id: int
    event: str
    ticket_number: int | None
    text: str
    url: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_ticket_number(notification: Notification) -> int | None:
        return notification.ticket.number if notification.ticket_id else None


class WatcherOut(Schema):
    id: int
    username: str
    name: str

    @staticmethod
    def resolve_name(user) -> str:
        return str(user)


NotificationQuery = query_schema(NotificationFilter)


@router.get("/notifications", response=list[NotificationOut], summary="List your own notifications")
@paginate(Pages)
def list_notifications(request, filters: Query[NotificationQuery]):
    """Newest first; `unread=true` for the unread ones only, `event` for one kind, `q` to search the text."""
    staff_read(request)
    rows = Notification.objects.for_recipient(request.user).select_related("ticket")
    return api_filter(NotificationFilter, request, rows)


@router.post("/notifications/{notification_id}/read", response=NotificationOut, summary="Mark one of yours read")
def read_notification(request, notification_id: int = PathId):
    staff_read(request)
    require_write(request, Can.DESK_READ)
    notification = get_object_or_404(Notification.objects.for_recipient(request.user).select_related("ticket"),
                                     pk=notification_id)
    return services.mark_read(notification)


def _ticket(request, number: int) -> Ticket:
    staff_read(request)
    return get_object_or_404(Ticket.objects.visible_to(request.user), number=number)


@router.get("/tickets/{number}/watchers", response=list[WatcherOut], summary="Who watches a ticket")
def list_watchers(request, number: int = PathId):
    return list(selectors.watchers_of(_ticket(request, number)))


@router.post("/tickets/{number}/watchers", response=list[WatcherOut], summary="Watch a ticket yourself")
def watch_ticket(request, number: int = PathId):
    ticket = _ticket(request, number)
    require_write(request, Can.DESK_READ)
    services.watch(ticket, request.user)
    return list(selectors.watchers_of(ticket))


@router.delete("/tickets/{number}/watchers", response=list[WatcherOut], summary="Stop watching a ticket")
def unwatch_ticket(request, number: int = PathId):
    ticket = _ticket(request, number)
    require_write(request, Can.DESK_READ)
    services.unwatch(ticket, request.user)
    return list(selectors.watchers_of(ticket))
