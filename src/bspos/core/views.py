from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from bspos.clients.models import Client, ClientStatus
from bspos.servicedesk.models import OPEN_STATUSES, Ticket
from bspos.servicedesk.selectors import SlaState, with_sla_state


def health(request: HttpRequest) -> JsonResponse:
    """Liveness for a process supervisor: the app answers and the database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Landing page: the desk's headline figures for staff, the own company's open tickets for a contact."""
    user = request.user
    tickets = Ticket.objects.all()
    if not user.is_msp_staff:
        contact = getattr(user, "contact", None)
        tickets = tickets.filter(client_id=contact.client_id if contact else None)
    open_tickets = with_sla_state(tickets.filter(status__in=OPEN_STATUSES), timezone.now())
    figures = open_tickets.aggregate(
        open=Count("id"),
        at_risk=Count("id", filter=Q(sla_state=SlaState.AT_RISK)),
        breached=Count("id", filter=Q(sla_state=SlaState.BREACHED)),
        unassigned=Count("id", filter=Q(assignee__isnull=True)),
    )
    by_priority = open_tickets.values("priority").annotate(count=Count("id")).order_by("priority")
    context = {
        "figures": figures,
        "by_priority": by_priority,
        "active_clients": Client.objects.filter(status=ClientStatus.ACTIVE).count() if user.is_msp_staff else None,
    }
    return render(request, "core/home.html", context)
