"""Client list, client page, the CSV exports of clients and contacts, and the pages that add and edit clients,
contacts and sites, for MSP staff (who may do which: docs/permissions.md). Every write calls clients.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bspos.audit.services import history
from bspos.clients import selectors, services
from bspos.clients.filters import ClientFilter, ContactFilter
from bspos.clients.forms import ClientForm, ClientStatusForm, ContactForm, SiteForm, changes, show_refusal
from bspos.clients.models import Client, Contact, Site
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
        "contacts": client.contacts.select_related("site", "user").order_by("-is_active", "last_name", "first_name"),
        "sites": client.sites.all(),
        "agreements": client.agreements.select_related("sla_plan").prefetch_related("included_services"),
        "assets": client.assets.order_by("name")[:200],
        "asset_count": client.assets.count(),
        "tickets": client.tickets.select_related("assignee").order_by("-number")[:25],
        "hours": {key: (value or 0) / 60 for key, value in hours.items()},
        "month_start": month_start,
        "can_write": can(request.user, Can.DESK_WRITE),
    })


# --- adding and editing -------------------------------------------------------------------------------------------

def _form_page(request: HttpRequest, template: str, form, **context) -> HttpResponse:
    """A form page; a refused form answers 400 with its errors (htmx swaps it in, so the person sees them)."""
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


def _saved(request: HttpRequest, message: str, client_id: int) -> HttpResponse:
    messages.success(request, message)
    return redirect("clients:detail", pk=client_id)


def _client(request: HttpRequest, pk: int) -> Client:
    return get_object_or_404(Client.objects.visible_to(request.user), pk=pk)


@requires(Can.CLIENTS_WRITE)
def client_new(request: HttpRequest) -> HttpResponse:
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.create_client(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return _saved(request, f"{client.name} added.", client.pk)
    return _form_page(request, "clients/client_form.html", form, title="New client")


@requires(Can.CLIENTS_WRITE)
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_client(by=request.user, client=_client(request, pk), **changes(form))
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return _saved(request, "Client details saved.", pk)
    shown = _client(request, pk) if form.is_bound else client  # as stored, not as the refused form left it
    return _form_page(request, "clients/client_form.html", form, title=f"Edit {shown.name}", client=shown)


@requires(Can.CLIENTS_WRITE)
def client_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Prospect, active or churned, with the day it happened (and, for a churn, why)."""
    client = _client(request, pk)
    form = ClientStatusForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_client_status(by=request.user, client=client, status=data["status"], on=data["on"],
                                          reason=data["churn_reason"])
        except ValidationError as error:
            client.refresh_from_db()  # the refused values were set on it
            show_refusal(form, error, aliases={"churned_on": "on", "client_since": "on", "prospect_since": "on"})
        else:
            return _saved(request, f"{client.name} is now {client.get_status_display().lower()}.", pk)
    return _form_page(request, "clients/status.html", form, client=client, title=f"Change the status of {client.name}")


@requires(Can.CONTACTS_WRITE)
def contact_new(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    form = ContactForm(request.POST or None, instance=Contact(client=client), client=client)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.create_contact(by=request.user, client=client, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return _saved(request, f"{contact.name} added.", pk)
    return _form_page(request, "clients/form.html", form, client=client, title=f"New contact at {client.name}")


def _contact(request: HttpRequest, pk: int) -> Contact:
    return get_object_or_404(Contact.objects.visible_to(request.user).select_related("client", "user"), pk=pk)


@requires(Can.CONTACTS_WRITE)
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A contact's details, whether they are active, their portal login, and what changed on them."""
    contact = _contact(request, pk)
    form = ContactForm(request.POST or None, instance=contact, client=contact.client)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contact(by=request.user, contact=_contact(request, pk), **changes(form))
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return _saved(request, f"{contact.name} saved.", contact.client_id)
    shown = _contact(request, pk) if form.is_bound else contact  # as stored, not as the refused form left it
    return _form_page(request, "clients/contact.html", form, client=shown.client, contact=shown,
                      title=f"Edit {shown.name}", history=history(shown)[:20])


@require_POST
@requires(Can.CONTACTS_WRITE)
def contact_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate a contact (history kept, portal login ended) or reactivate one (portal access stays off)."""
    contact = _contact(request, pk)
    active = request.POST.get("active") == "1"
    services.update_contact(by=request.user, contact=contact, is_active=active)
    messages.success(request, f"{contact.name} is active again; turn portal access on if they need it." if active
                     else f"{contact.name} is deactivated; their portal login has ended.")
    return redirect("clients:contact", pk=pk)


@require_POST
@requires(Can.CONTACTS_WRITE)
def contact_portal(request: HttpRequest, pk: int) -> HttpResponse:
    """Portal access on (a login, and an email with a link to set its password), off, or the link sent again."""
    contact = _contact(request, pk)
    action = request.POST.get("action")
    try:
        if action == "end":
            services.end_portal_access(by=request.user, contact=contact)
            messages.success(request, f"{contact.name} can no longer sign in to the portal.")
        elif action == "resend":
            services.send_set_password_link(contact, request.build_absolute_uri("/"))
            messages.success(request, f"A new set-password link was emailed to {contact.email}.")
        else:
            services.grant_portal_access(by=request.user, contact=contact, site_url=request.build_absolute_uri("/"))
            messages.success(request, f"Portal access is on: {contact.email} was emailed a link to set a password.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except services.LinkNotSent as error:
        messages.error(request, str(error))
    return redirect("clients:contact", pk=pk)


@requires(Can.CONTACTS_WRITE)
def site_new(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    form = SiteForm(request.POST or None, instance=Site(client=client))
    if request.method == "POST" and form.is_valid():
        try:
            site = services.create_site(by=request.user, client=client, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return _saved(request, f"Site {site.name} added.", pk)
    return _form_page(request, "clients/form.html", form, client=client, title=f"New site of {client.name}")


@requires(Can.CONTACTS_WRITE)
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    sites = Site.objects.visible_to(request.user).select_related("client")
    site = get_object_or_404(sites, pk=pk)
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_site(by=request.user, site=get_object_or_404(sites, pk=pk), **changes(form))
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return _saved(request, "Site saved.", site.client_id)
    return _form_page(request, "clients/form.html", form, client=site.client, title=f"Edit site {site.name}")
