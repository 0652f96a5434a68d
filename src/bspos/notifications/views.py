"""Notification pages: the list (read/unread, mark read), the bell's count, preferences, watching a ticket."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bspos.core.paging import CappedPaginator
from bspos.core.permissions import Can, requires
from bspos.notifications import selectors, services
from bspos.notifications.filters import NotificationFilter
from bspos.notifications.forms import PreferencesForm
from bspos.notifications.models import Notification
from bspos.servicedesk.models import Ticket


@requires(Can.DESK_READ)
def notification_list(request: HttpRequest) -> HttpResponse:
    filterset = NotificationFilter(request.GET, Notification.objects.for_recipient(request.user), request=request)
    page = CappedPaginator(filterset.qs, 50).get_page(request.GET.get("page"))
    filterset.is_valid()  # the valid filters apply (and are shown) even when another one is ignored
    return render(request, "notifications/list.html", {
        "page": page, "filter": filterset, "filtered": bool(filterset.params()),
        "unread": selectors.unread_count(request.user)})


def bell(request: HttpRequest) -> HttpResponse:
    """The bell, polled by every page; signed out, the poll changes nothing (204) instead of swapping in a login."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return _bell(request)


@requires(Can.DESK_READ)
def _bell(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/_bell.html")


def _back(request: HttpRequest, default: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


@require_POST
@requires(Can.DESK_READ)
def read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification.objects.for_recipient(request.user), pk=pk)
    services.mark_read(notification)
    if request.POST.get("open"):
        return redirect(notification.url)
    return _back(request, "notifications:list")


@require_POST
@requires(Can.DESK_READ)
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(request.user)
    messages.success(request, f"{count} notification{'' if count == 1 else 's'} marked read.")
    return _back(request, "notifications:list")


@requires(Can.DESK_READ)
def preferences(request: HttpRequest) -> HttpResponse:
    saved = selectors.preferences_for(request.user)
    form = PreferencesForm(request.POST or None, initial=PreferencesForm.initial_from(saved))
    if request.method == "POST" and form.is_valid():
        services.set_preferences(request.user, form.choices())
        messages.success(request, "Your notification preferences are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form},
                  status=400 if form.is_bound else 200)


@require_POST
@requires(Can.DESK_READ)
def watch(request: HttpRequest, number: int) -> HttpResponse:
    ticket = get_object_or_404(Ticket.objects.visible_to(request.user), number=number)
    action = request.POST.get("action")
    if action not in ("watch", "unwatch"):
        return HttpResponseBadRequest("Choose to watch or unwatch the ticket.")
    try:
        services.watch(ticket, request.user) if action == "watch" else services.unwatch(ticket, request.user)
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        return render(request, "notifications/_watchers.html", selectors.watch_state(ticket, request.user))
    messages.success(request, f"You {'now watch' if action == 'watch' else 'no longer watch'} #{ticket.number}.")
    return redirect("servicedesk:ticket", number=ticket.number)
