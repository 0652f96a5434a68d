"""Mail pages: every inbound message (triage and quarantine are filters of one list), a message, the outbox."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bspos.clients.models import Client
from bspos.core.filters import RowFilter
from bspos.core.paging import CappedPaginator
from bspos.core.permissions import Can, can, requires
from bspos.mail import services
from bspos.mail.filters import InboundFilter, OutboundFilter
from bspos.mail.models import Attachment, InboundMessage, OutboundMessage, Outcome
from bspos.people.reauth import reauthentication_required


class AssignForm(forms.Form):
    """The client a triaged message is from (an id; junk or out of range is refused without a query)."""

    client = RowFilter.field_class(queryset=Client.objects.all())


@requires(Can.DESK_READ)
def message_list(request: HttpRequest) -> HttpResponse:
    rows = InboundMessage.objects.visible_to(request.user).select_related("ticket").defer("raw", "body")
    filterset = InboundFilter(request.GET, rows, request=request)
    counts = dict(InboundMessage.objects.visible_to(request.user).values_list("outcome").annotate(n=Count("id"))
                  .values_list("outcome", "n"))
    page = CappedPaginator(filterset.qs, 50).get_page(request.GET.get("page"))
    filterset.is_valid()  # the valid filters apply (and are shown) even when another one is ignored
    outcome = filterset.form.cleaned_data.get("outcome") or ""
    return render(request, "mail/list.html", {
        "page": page, "filter": filterset, "filtered": bool(filterset.params()), "outcome": outcome,
        "can_manage": can(request.user, Can.DESK_MANAGE),
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
    page = CappedPaginator(filterset.qs, 50).get_page(request.GET.get("page"))
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


class OAuthForm(forms.Form):
    """The mailbox's OAuth2 sign-in; secrets are write-only (never rendered back)."""

    grant = forms.ChoiceField(choices=[("client_credentials", "Microsoft 365 (client credentials)"),
                                       ("refresh_token", "Google (refresh token)")])
    tenant = forms.CharField(required=False, help_text="Microsoft 365: directory (tenant) id or domain.")
    client_id = forms.CharField()
    client_secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False))
    refresh_token = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False),
                                    help_text="Google only.")
    token_url = forms.URLField(required=False, assume_scheme="https", help_text="Leave empty for the provider's own.")
    scope = forms.CharField(required=False, help_text="Leave empty for the provider's default.")


@requires(Can.DESK_MANAGE)
@reauthentication_required
def mailbox(request: HttpRequest) -> HttpResponse:
    """The support mailbox's sign-in: password (BSPOS_IMAP_*) or OAuth2; test the connection; back to password."""
    from bspos.mail import conf, oauth

    form, status = OAuthForm(), 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "test":
            try:
                messages.success(request, services.check_connection())
            except Exception as error:  # noqa: BLE001 (any refusal is shown as the server or provider said it)
                messages.error(request, f"The connection failed: {error}")
            return redirect("mail:mailbox")
        if action == "remove":
            oauth.remove(actor=request.user)
            messages.success(request, "The mailbox signs in with its password again.")
            return redirect("mail:mailbox")
        form = OAuthForm(request.POST)
        if form.is_valid():
            try:
                oauth.configure(actor=request.user, **form.cleaned_data)
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "OAuth2 sign-in saved. Test the connection.")
                return redirect("mail:mailbox")
        status = 400
    return render(request, "mail/mailbox.html", {"form": form, "row": oauth.current(),
                                                 "configured": conf.imap_configured()}, status=status)
