"""Mail pages: every inbound message (triage and quarantine are filters of one list), a message, the outbox."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bspos.clients.models import Client
from bspos.core.filters import RowFilter
from bspos.core.permissions import Can, can, requires
from bspos.mail import services
from bspos.mail.filters import InboundFilter, OutboundFilter
from bspos.mail.models import Attachment, InboundMessage, OutboundMessage, Outcome


class AssignForm(forms.Form):
    """The client a triaged message is from (an id; junk or out of range is refused without a query)."""

    client = RowFilter.field_class(queryset=Client.objects.all())


@requires(Can.DESK_READ)
def message_list(request: HttpRequest) -> HttpResponse:
    rows = InboundMessage.objects.visible_to(request.user).select_related("ticket").defer("raw", "body")
    filterset = InboundFilter(request.GET, rows, request=request)
    counts = dict(InboundMessage.objects.visible_to(request.user).values_list("outcome").annotate(n=Count("id"))
                  .values_list("outcome", "n"))
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    filterset.is_valid()  # the valid filters apply (and are shown) even when another one is ignored
    outcome = filterset.form.cleaned_data.get("outcome") or ""
    return render(request, "mail/list.html", {
        "page": page, "filter": filterset, "filtered": bool(filterset.params()), "outcome": outcome,
        "outcomes": [(value, label, counts.get(value, 0)) for value, label in Outcome.choices]})


@requires(Can.DESK_READ)
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(InboundMessage.objects.visible_to(request.user).select_related("ticket", "note")
                                .defer("raw"), pk=pk)
    return render(request, "mail/detail.html", {
        "message": message, "attachments": message.attachments.all(),
        "can_write": can(request.user, Can.DESK_WRITE),
        "clients": Client.objects.exclude(status="churned").order_by("name").values_list("pk", "name")
        if message.outcome == Outcome.TRIAGE else []})


@requires(Can.DESK_READ)
def message_raw(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(InboundMessage.objects.visible_to(request.user), pk=pk)
    response = HttpResponse(bytes(message.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{message.pk}.eml"'
    return response


@requires(Can.DESK_READ)
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.filename,
                        content_type="application/octet-stream")


@require_POST
@requires(Can.DESK_WRITE)
def triage(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    message = get_object_or_404(InboundMessage.objects.visible_to(request.user), pk=pk)
    try:
        if action == "assign":
            form = AssignForm(request.POST)
            if not form.is_valid():
                raise ValidationError("Choose the client this message is from.")
            client = form.cleaned_data["client"]
            ticket = services.assign_from_triage(message, client=client, by=request.user)
            messages.success(request, f"Ticket #{ticket.number} opened for {client}.")
            return redirect("servicedesk:ticket", number=ticket.number)
        if action == "discard":
            services.discard(message, by=request.user)
            messages.success(request, "Message discarded from triage (it stays in the mail log).")
            return redirect(reverse("mail:list") + "?outcome=triage")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("mail:detail", pk=pk)


@require_POST
@requires(Can.DESK_WRITE)
def outbound_resend(request: HttpRequest, pk: int) -> HttpResponse:
    outbound = get_object_or_404(OutboundMessage.objects.visible_to(request.user), pk=pk)
    try:
        attempt = services.resend(outbound)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if attempt.state == OutboundMessage.State.SENT:
            messages.success(request, f"Sent to {attempt.to}.")
        else:
            messages.error(request, f"Still not sent: {attempt.error}")
    return redirect("mail:outbound_detail", pk=pk)


@requires(Can.DESK_READ)
def outbound_list(request: HttpRequest) -> HttpResponse:
    rows = OutboundMessage.objects.visible_to(request.user).select_related("ticket").defer("raw", "body")
    filterset = OutboundFilter(request.GET, rows, request=request)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(request, "mail/outbound.html", {"page": page, "filter": filterset,
                                                  "filtered": bool(filterset.params()),
                                                  "sending_enabled": services.sending_enabled(),
                                                  "max_attempts": services.MAX_ATTEMPTS,
                                                  "retry_minutes": services.RETRY_MINUTES})


@requires(Can.DESK_READ)
def outbound_detail(request: HttpRequest, pk: int) -> HttpResponse:
    outbound = get_object_or_404(OutboundMessage.objects.visible_to(request.user).select_related("ticket", "note"),
                                 pk=pk)
    return render(request, "mail/outbound_detail.html", {
        "m": outbound, "raw": bytes(outbound.raw).decode("utf-8", "replace"),
        "sending_enabled": services.sending_enabled(), "max_attempts": services.MAX_ATTEMPTS,
        "can_resend": can(request.user, Can.DESK_WRITE) and outbound.state in (
            OutboundMessage.State.FAILED, OutboundMessage.State.GAVE_UP, OutboundMessage.State.HELD)})
