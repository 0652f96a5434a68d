"""The client portal: a contact sees and opens only their own company's tickets, and public replies only."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bspos.clients.models import Contact
from bspos.core.permissions import Can, requires
from bspos.documentation.selectors import documentation_sections, expiring
from bspos.mail.services import sending_enabled
from bspos.portal.filters import PortalTicketFilter
from bspos.portal.forms import PortalReplyForm, PortalTicketForm
from bspos.servicedesk import attachments, services
from bspos.servicedesk.models import Attachment, Level, Note, Source, Status, Ticket


def _own_tickets(request: HttpRequest):
    return Ticket.objects.visible_to(request.user)  # a contact: their company's (none without a company)


def _contact(request: HttpRequest) -> Contact:
    contact = getattr(request.user, "contact", None)
    if contact is None:
        raise Http404("Not found.")  # a contact login not (or no longer) linked to a company
    return contact


@requires(Can.PORTAL)
def ticket_list(request: HttpRequest) -> HttpResponse:
    filters = PortalTicketFilter(request.GET, _own_tickets(request).select_related("contact").order_by("-number"))
    page = Paginator(filters.qs, 25).get_page(request.GET.get("page"))
    return render(request, "portal/list.html", {"page": page, "client": _contact(request).client})


@requires(Can.PORTAL)
def ticket_new(request: HttpRequest) -> HttpResponse:
    form = PortalTicketForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        contact = _contact(request)
        urgent = form.cleaned_data["urgent"]
        with transaction.atomic():
            ticket = services.create_ticket(
                client=contact.client, contact=contact, subject=form.cleaned_data["subject"],
                description=form.cleaned_data["description"], source=Source.PORTAL,
                impact=Level.MEDIUM, urgency=Level.HIGH if urgent else Level.MEDIUM, created_by=request.user)
            attachments.attach(ticket, form.cleaned_data["attachments"], by=request.user)
        promise = "We'll reply here and by email." if sending_enabled() else "We'll reply here."
        messages.success(request, f"Ticket #{ticket.number} opened. {promise}")
        return redirect("portal:ticket", number=ticket.number)
    return render(request, "portal/new.html", {"form": form}, status=400 if form.errors else 200)


@requires(Can.PORTAL)
def ticket_detail(request: HttpRequest, number: int) -> HttpResponse:
    ticket = get_object_or_404(_own_tickets(request), number=number)
    return _render_ticket(request, ticket, PortalReplyForm())


def _render_ticket(request: HttpRequest, ticket: Ticket, form: PortalReplyForm, status: int = 200) -> HttpResponse:
    notes = (Note.objects.visible_to(request.user).filter(ticket=ticket).select_related("author")
             .prefetch_related("files").order_by("created_at", "id"))
    return render(request, "portal/ticket.html", {"ticket": ticket, "notes": notes, "form": form}, status=status)


@require_POST
@requires(Can.PORTAL)
@transaction.atomic
def reply(request: HttpRequest, number: int) -> HttpResponse:
    ticket = get_object_or_404(_own_tickets(request).select_for_update(), number=number)
    form = PortalReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_ticket(request, ticket, form, status=400)
    services.add_note(ticket, author=request.user, body=form.cleaned_data["body"], is_internal=False,
                      files=form.cleaned_data["attachments"])
    if ticket.status in (Status.WAITING_ON_CLIENT, Status.RESOLVED):
        services.change_status(ticket, Status.OPEN, by=request.user)  # the client answered: the clock runs again
    messages.success(request, "Reply sent.")
    return redirect("portal:ticket", number=ticket.number)


@requires(Can.PORTAL)
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """Download a file of the company's tickets: their own files and public replies' only (404 otherwise)."""
    return attachments.download(get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk))


@requires(Can.PORTAL)
def documentation(request: HttpRequest) -> HttpResponse:
    """The documentation the MSP shares with the contact's company (domains, certificates, licences, networks,
    records) and what of it ends within 90 days; nothing that is not shared, nothing of another company."""
    client = _contact(request).client
    sections = documentation_sections(client, user=request.user)
    return render(request, "portal/documentation.html", {
        "client": client, "sections": sections, "shared": any(rows for _kind, _title, rows in sections),
        "expiring": [item for item in expiring(client, within_days=90, user=request.user)
                     if item.kind in ("domain", "certificate", "licence")]})
