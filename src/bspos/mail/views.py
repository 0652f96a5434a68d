"""Mail pages: every inbound message (triage and quarantine are filters of one list), a message, sent replies."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bspos.clients.models import Client
from bspos.core.permissions import Can, can, requires
from bspos.mail import services
from bspos.mail.models import Attachment, InboundMessage, OutboundMessage, Outcome


def inbound_filtered(params) -> tuple[object, dict]:
    filters = {"q": params.get("q", "").strip(), "outcome": params.get("outcome", ""),
               "ticket": params.get("ticket", "").strip().lstrip("#")}
    rows = InboundMessage.objects.select_related("ticket").defer("raw", "body")
    if filters["outcome"] in Outcome.values:
        rows = rows.filter(outcome=filters["outcome"])
    if filters["q"]:
        q = filters["q"]
        rows = rows.filter(Q(sender__icontains=q) | Q(subject__icontains=q) | Q(message_id__icontains=q))
    if filters["ticket"].isdigit():
        rows = rows.filter(ticket__number=int(filters["ticket"]))
    return rows, filters


@requires(Can.DESK_READ)
def message_list(request: HttpRequest) -> HttpResponse:
    rows, filters = inbound_filtered(request.GET)
    counts = dict(InboundMessage.objects.values_list("outcome").annotate(n=Count("id")).values_list("outcome", "n"))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "mail/list.html", {
        "page": page, "filters": filters, "outcomes": [(value, label, counts.get(value, 0))
                                                       for value, label in Outcome.choices]})


@requires(Can.DESK_READ)
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(InboundMessage.objects.select_related("ticket", "note").defer("raw"), pk=pk)
    return render(request, "mail/detail.html", {
        "message": message, "attachments": message.attachments.all(),
        "can_write": can(request.user, Can.DESK_WRITE),
        "clients": Client.objects.exclude(status="churned").order_by("name").values_list("pk", "name")
        if message.outcome == Outcome.TRIAGE else []})


@requires(Can.DESK_READ)
def message_raw(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(InboundMessage, pk=pk)
    response = HttpResponse(bytes(message.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{message.pk}.eml"'
    return response


@requires(Can.DESK_READ)
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(Attachment, pk=pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.filename,
                        content_type="application/octet-stream")


@require_POST
@requires(Can.DESK_WRITE)
def triage(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    message = get_object_or_404(InboundMessage, pk=pk)
    try:
        if action == "assign":
            client = Client.objects.filter(pk=request.POST.get("client") or 0).first()
            if client is None:
                raise ValidationError("Choose the client this message is from.")
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
    outbound = get_object_or_404(OutboundMessage, pk=pk)
    try:
        attempt = services.resend(outbound)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if attempt.status == OutboundMessage.Status.SENT:
            messages.success(request, f"Sent to {attempt.to}.")
        else:
            messages.error(request, f"Still not sent: {attempt.error}")
    return redirect("mail:outbound")


@requires(Can.DESK_READ)
def outbound_list(request: HttpRequest) -> HttpResponse:
    rows = OutboundMessage.objects.select_related("ticket")
    status = request.GET.get("status", "")
    if status in OutboundMessage.Status.values:
        rows = rows.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(Q(to__icontains=q) | Q(subject__icontains=q))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "mail/outbound.html", {"page": page, "status": status, "q": q,
                                                  "statuses": OutboundMessage.Status.choices,
                                                  "can_write": can(request.user, Can.DESK_WRITE)})
