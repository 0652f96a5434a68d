"""Recurring ticket pages: the MSP-wide list (filter by client for one client's), a template with its next
occurrences and the tickets made from it, create and edit, pause, resume and end (confirmed)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bspos.core.filters import parse_id
from bspos.core.permissions import Can, can, requires
from bspos.recurring import services
from bspos.recurring.filters import RecurringTicketFilter
from bspos.recurring.forms import FIELDS, RecurringTicketForm
from bspos.recurring.models import RecurringTicket


def _template(request: HttpRequest, pk: int) -> RecurringTicket:
    return get_object_or_404(RecurringTicket.objects.visible_to(request.user).select_related(
        "client", "contact", "assignee", "checklist_template"), pk=pk)


@requires(Can.DESK_READ)
def template_list(request: HttpRequest) -> HttpResponse:
    filters = RecurringTicketFilter(request.GET, RecurringTicket.objects.visible_to(request.user))
    templates = filters.qs.select_related("client", "assignee").order_by("client__name", "subject", "pk")
    return render(request, "recurring/list.html", {
        "filter": filters, "page": Paginator(templates, 50).get_page(request.GET.get("page")),
        "client_id": parse_id(request.GET.get("client")), "editing": can(request.user, Can.DESK_WRITE)})


@requires(Can.DESK_READ)
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    upcoming = template.upcoming(timezone.now()) if template.status == "running" or template.paused else []
    occurrences = template.occurrences.select_related("ticket", "checklist_run")[:50]
    return render(request, "recurring/detail.html", {
        "template": template, "upcoming": upcoming, "occurrences": occurrences,
        "editing": can(request.user, Can.DESK_WRITE)})


@requires(Can.DESK_WRITE)
def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    template = _template(request, pk) if pk else None
    if template is not None and template.ended_at:
        messages.error(request, "This recurrence has ended; create a new one.")
        return redirect("recurring:detail", pk=template.pk)
    initial = {"client": parse_id(request.GET.get("client"))} if template is None else {}
    # The form validates a copy, so the audit trail compares the saved row with the change.
    form = RecurringTicketForm(request.POST or None, initial=initial,
                               instance=RecurringTicket.objects.get(pk=template.pk) if template else None)
    if request.method == "POST":
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in FIELDS}
            try:
                saved = (services.update_template(template, by=request.user, **fields) if template
                         else services.create_template(by=request.user, **fields))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Saved “{saved.subject}”.")
                return redirect("recurring:detail", pk=saved.pk)
        return render(request, "recurring/form.html", {"form": form, "template": template}, status=400)
    return render(request, "recurring/form.html", {"form": form, "template": template})


def _act(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    template = _template(request, pk)
    try:
        action(template, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("recurring:detail", pk=template.pk)


@require_POST
@requires(Can.DESK_WRITE)
def template_pause(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.pause, "Paused: no tickets are created until you resume.")


@require_POST
@requires(Can.DESK_WRITE)
def template_resume(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.resume, "Resumed: the next occurrence from now on will be created.")


@requires(Can.DESK_WRITE)
def template_end(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST ends the recurrence for good."""
    if request.method == "POST":
        return _act(request, pk, services.end, "Ended: no more tickets will be created. Tickets made stay.")
    return render(request, "recurring/end.html", {"template": _template(request, pk)})
