"""Findings to work: the buttons that open a ticket from a roadmap item or an assessment answer, mark an item done,
and the roadmap card on a ticket's page (loaded by htmx). Writes go through `vcio.work`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bspos.core.permissions import Can, can, requires
from bspos.servicedesk.models import Ticket
from bspos.vcio import work
from bspos.vcio.models import Assessment, RoadmapItem


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@requires(Can.VCIO)
@require_POST
def item_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(RoadmapItem, pk=pk)
    try:
        ticket = work.ticket_for_item(item=item, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("vcio:roadmap", client_id=item.client_id)
    messages.success(request, f"Ticket #{ticket.number} opened for “{item.title}”.")
    return redirect("servicedesk:ticket", number=ticket.number)


@requires(Can.VCIO)
@require_POST
def item_project(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the accepted item a project (or open the one it already is)."""
    item = get_object_or_404(RoadmapItem, pk=pk)
    try:
        project, created = work.project_for_item(item=item, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("vcio:roadmap", client_id=item.client_id)
    messages.success(request, f"{project.reference} {'made' if created else 'was already made'} from “{item.title}”"
                              f"{': add its phases and tasks, or edit it' if created else ''}.")
    return redirect("projects:detail", pk=project.pk)


@requires(Can.VCIO)
@require_POST
def answer_ticket(request: HttpRequest, pk: int, question: str) -> HttpResponse:
    assessment = get_object_or_404(Assessment.objects.select_related("client", "template"), pk=pk)
    try:
        ticket = work.ticket_for_answer(assessment=assessment, question=question, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("vcio:assessment", pk=pk)
    messages.success(request, f"Ticket #{ticket.number} opened for {question}; it is on the roadmap too.")
    return redirect("servicedesk:ticket", number=ticket.number)


@requires(Can.VCIO)
@require_POST
def item_done(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(RoadmapItem, pk=pk)
    try:
        work.mark_done(item=item, by=request.user)
        messages.success(request, f"“{item.title}” is done.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(request, reverse("vcio:roadmap", args=[item.client_id]))


@requires(Can.DESK_READ)
def ticket_panel(request: HttpRequest, number: int) -> HttpResponse:
    """The roadmap items a ticket carries out, with "mark done" once the ticket is resolved or closed."""
    ticket = get_object_or_404(Ticket, number=number)
    items = list(ticket.roadmap_items.select_related("client", "ticket"))
    return render(request, "vcio/_ticket_panel.html", {
        "ticket": ticket, "items": [{"item": item, "offer_done": work.work_is_closed(item)} for item in items],
        "can_edit": can(request.user, Can.VCIO)})
