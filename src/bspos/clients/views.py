"""Client list, client page and the CSV exports of clients and contacts, for MSP staff."""

from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from bspos.clients import selectors
from bspos.clients.filters import ClientFilter, ContactFilter
from bspos.clients.models import Client, Contact
from bspos.core import csvwriter
from bspos.core.permissions import Can, can, requires


@requires(Can.DESK_READ)
def client_list(request: HttpRequest) -> HttpResponse:
    filters = ClientFilter(request.GET, Client.objects.visible_to(request.user))
    clients = selectors.with_open_tickets(filters.qs).select_related("account_manager").order_by("name")
    page = Paginator(clients, 50).get_page(request.GET.get("page"))
    return render(request, "clients/list.html", {"page": page, "filter": filters})


@requires(Can.DESK_READ)
def client_export(request: HttpRequest) -> StreamingHttpResponse:
    clients = ClientFilter(request.GET, Client.objects.visible_to(request.user)).qs
    return csvwriter.stream("clients", selectors.CLIENT_COLUMNS, selectors.client_rows(clients))


@requires(Can.DESK_READ)
def contact_export(request: HttpRequest) -> StreamingHttpResponse:
    contacts = ContactFilter(request.GET, Contact.objects.visible_to(request.user)).qs
    return csvwriter.stream("contacts", selectors.CONTACT_COLUMNS, selectors.contact_rows(contacts))


@requires(Can.DESK_READ)
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    clients = selectors.with_open_tickets(Client.objects.visible_to(request.user))
    client = get_object_or_404(clients.select_related("account_manager"), pk=pk)
    month_start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    # Through the reverse relations: the clients app does not import the desk (a higher-level app).
    hours = client.time_entries.filter(started_at__gte=month_start).aggregate(
        total=Sum("minutes"), billable=Sum("minutes", filter=Q(billable=True)),
        out_of_scope=Sum("minutes", filter=Q(ticket__in_scope=False)))
    return render(request, "clients/detail.html", {
        "client": client,
        "contacts": client.contacts.select_related("site").order_by("last_name", "first_name"),
        "sites": client.sites.all(),
        "agreements": client.agreements.select_related("sla_plan").prefetch_related("included_services"),
        "assets": client.assets.order_by("name")[:200],
        "asset_count": client.assets.count(),
        "tickets": client.tickets.select_related("assignee").order_by("-number")[:25],
        "hours": {key: (value or 0) / 60 for key, value in hours.items()},
        "month_start": month_start,
        "can_write": can(request.user, Can.DESK_WRITE),
    })
