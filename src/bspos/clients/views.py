"""Client list and client page for MSP staff."""

from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from bspos.clients.models import Client, ClientStatus, ServiceTier
from bspos.core.permissions import Can, can, requires
from bspos.servicedesk.models import OPEN_STATUSES, TimeEntry


def filter_clients(params) -> tuple:
    """The client list's search and filters (the page and its CSV export share them)."""
    clients = Client.objects.annotate(open_tickets=Count("tickets", filter=Q(tickets__status__in=OPEN_STATUSES)))
    q = params.get("q", "").strip()
    if q:
        clients = clients.filter(Q(name__icontains=q) | Q(vertical__icontains=q))
    status = params.get("status", "")
    if status in ClientStatus.values:
        clients = clients.filter(status=status)
    tier = params.get("tier", "")
    if tier in ServiceTier.values:
        clients = clients.filter(service_tier=tier)
    return clients, q, status, tier


@requires(Can.DESK_READ)
def client_list(request: HttpRequest) -> HttpResponse:
    clients, q, status, tier = filter_clients(request.GET)
    page = Paginator(clients.select_related("account_manager").order_by("name"), 50).get_page(request.GET.get("page"))
    return render(request, "clients/list.html", {"page": page, "q": q, "status": status, "tier": tier,
                                                 "statuses": ClientStatus.choices, "tiers": ServiceTier.choices})


@requires(Can.DESK_READ)
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(Client.objects.select_related("account_manager"), pk=pk)
    month_start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    hours = TimeEntry.objects.filter(client=client, started_at__gte=month_start).aggregate(
        total=Sum("minutes"), billable=Sum("minutes", filter=Q(billable=True)),
        out_of_scope=Sum("minutes", filter=Q(ticket__in_scope=False)))
    tickets = client.tickets.select_related("assignee").order_by("-number")
    return render(request, "clients/detail.html", {
        "client": client,
        "contacts": client.contacts.select_related("site").order_by("last_name", "first_name"),
        "sites": client.sites.all(),
        "agreements": client.agreements.select_related("sla_plan").prefetch_related("included_services"),
        "assets": client.assets.order_by("name")[:200],
        "asset_count": client.assets.count(),
        "tickets": tickets[:25],
        "open_tickets": tickets.filter(status__in=OPEN_STATUSES).count(),
        "hours": {key: (value or 0) / 60 for key, value in hours.items()},
        "month_start": month_start,
        "can_write": can(request.user, Can.DESK_WRITE),
    })
