"""The technician's desk: dashboard, queue, ticket page and its actions (thin: forms in, services out)."""

from datetime import datetime, timedelta
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bspos.agreements.models import Agreement
from bspos.assets.models import Asset
from bspos.clients.forms import show_refusal
from bspos.clients.models import Contact
from bspos.core import csvwriter
from bspos.core.filters import parse_id
from bspos.core.paging import CappedPaginator
from bspos.core.permissions import Can, can, requires
from bspos.projects.models import Task
from bspos.servicedesk import attachments, selectors, services
from bspos.servicedesk.filters import queue_filter
from bspos.servicedesk.forms import (
    AgreementForm,
    AssetLinkForm,
    AssignForm,
    BulkForm,
    CannedReplyForm,
    CcForm,
    ComposerForm,
    ContactForm,
    PriorityForm,
    StatusForm,
    TaskTimeForm,
    TicketForm,
    TimeForm,
)
from bspos.servicedesk.models import Attachment, CannedReply, Status, Ticket, TimeEntry

PAGE_SIZE = 50


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """To the posted `next` when it is a page of this site, else to `fallback` (never an open redirect)."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@requires(Can.DESK_READ)
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    tickets = Ticket.objects.visible_to(request.user)
    week_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    week_start -= timedelta(days=week_start.weekday())
    days = selectors.opened_and_closed_per_day(tickets, now - timedelta(days=29))
    peak = max([1] + [max(d["opened"], d["closed"]) for d in days])
    for index, day in enumerate(days):  # bar geometry of the SVG chart (100 px = the busiest day)
        day["x"] = index * 22
        for key in ("opened", "closed"):
            day[f"{key}_h"] = round(day[key] * 100 / peak)
            day[f"{key}_y"] = 110 - day[f"{key}_h"]
    return render(request, "servicedesk/dashboard.html", {
        "figures": selectors.dashboard_figures(tickets, now),
        "days": days, "peak": peak, "chart_width": len(days) * 22,
        "workload": selectors.workload_per_technician(tickets, week_start),
    })


def _queue_tickets(request: HttpRequest):
    return (selectors.with_sla_state(Ticket.objects.visible_to(request.user))
            .select_related("client", "assignee").order_by("-number"))


@requires(Can.DESK_READ)
def queue(request: HttpRequest) -> HttpResponse:
    """The queue: the TicketFilter's controls, the reasons any filter was ignored, bulk actions."""
    filters = queue_filter(request, _queue_tickets(request))
    page = CappedPaginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "servicedesk/queue.html", {
        "page": page, "filter": filters, "bulk_form": BulkForm(),
        "can_write": can(request.user, Can.DESK_WRITE),
    })


TICKET_COLUMNS = [  # (CSV header, field): the columns the ticket export has always had
    ("number", "number"), ("subject", "subject"), ("client", "client__name"), ("contact_email", "contact__email"),
    ("status", "status"), ("priority", "priority"), ("source", "source"), ("category", "category"),
    ("assignee", "assignee__username"), ("created_at", "created_at"), ("resolution_due", "resolution_due"),
    ("sla_state", "sla_state"), ("resolved_at", "resolved_at"),
]


@requires(Can.DESK_READ)
def export(request: HttpRequest):
    """The queue as CSV with the page's filters (an invalid filter is ignored, as on the page)."""
    rows = queue_filter(request, _queue_tickets(request)).qs
    return csvwriter.stream("tickets", [header for header, _ in TICKET_COLUMNS],
                            rows.values_list(*[field for _, field in TICKET_COLUMNS]).iterator(chunk_size=2000))


@require_POST
@requires(Can.DESK_WRITE)
def bulk(request: HttpRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, error.as_text())
        return _back(request, reverse("servicedesk:queue"))
    done, refused = 0, []
    with transaction.atomic():
        for ticket in Ticket.objects.filter(pk__in=form.cleaned_data["tickets"]).select_for_update():
            try:
                if form.cleaned_data["action"] == "assign":
                    services.update_ticket(ticket, assignee=form.cleaned_data["assignee"], by=request.user)
                elif ticket.status != Status.CLOSED:
                    services.change_status(ticket, Status.CLOSED, by=request.user,
                                           resolution=form.cleaned_data["resolution"])
                done += 1
            except ValidationError as error:
                refused.append(f"#{ticket.number}: {' '.join(error.messages)}")
    messages.success(request, f"{done} ticket{'s' if done != 1 else ''} updated.")
    for line in refused:
        messages.error(request, line)
    return _back(request, reverse("servicedesk:queue"))


@requires(Can.DESK_READ)
def ticket_detail(request: HttpRequest, number: int) -> HttpResponse:
    ticket = get_object_or_404(
        Ticket.objects.visible_to(request.user).select_related("client", "contact", "asset", "assignee", "agreement",
                                                               "sla_plan__calendar"), number=number)
    return render(request, "servicedesk/ticket.html", _ticket_context(request, ticket))


def _may_correct(user, entry: TimeEntry) -> bool:
    return can(user, Can.TIME_ALL) or (entry.technician_id == user.pk and can(user, Can.TIME_OWN))


def _timeline(request: HttpRequest, ticket: Ticket) -> list[selectors.TimelineItem]:
    """The ticket's timeline, each time entry with the invoice it is billed on and whether the viewer may correct it."""
    items = selectors.timeline(ticket, request.user)
    for item in items:
        if item.entry is not None:
            item.entry.invoice = item.entry.billing_invoice()
            item.entry.correctable = (item.entry.invoice is None and not item.entry.is_approved
                                      and _may_correct(request.user, item.entry))
    return items


def _ticket_context(request: HttpRequest, ticket: Ticket, composer: ComposerForm | None = None,
                    cc_form: CcForm | None = None) -> dict:
    timer_started = request.session.get("timers", {}).get(str(ticket.pk))
    can_write = can(request.user, Can.DESK_WRITE)
    moves = [s for s in Status.values if s in services.TRANSITIONS[ticket.status]]
    if not ticket.resolution:  # resolving asks for the resolution note: the composer has the box for it
        moves = [s for s in moves if s not in services.RESOLVING]
    return {
        "ticket": ticket,
        "clocks": selectors.clocks_of(ticket),
        "timeline": _timeline(request, ticket),
        "composer": composer or ComposerForm(ticket=ticket),
        "canned_replies": CannedReply.objects.values_list("pk", "title") if can_write else [],
        "status_moves": [(value, "Reopen" if value == Status.OPEN and not ticket.is_open else Status(value).label)
                         for value in moves],
        "cc_form": cc_form or CcForm(initial={"cc": ", ".join(ticket.cc)}),
        "priority_form": PriorityForm(initial={"impact": ticket.impact, "urgency": ticket.urgency}),
        "assign_form": AssignForm(initial={"assignee": ticket.assignee_id, "tier": ticket.tier}),
        "asset_form": AssetLinkForm(client_id=ticket.client_id, initial={"asset": ticket.asset_id}),
        "agreement_form": AgreementForm(ticket=ticket, initial={"agreement": ticket.agreement_id}),
        "contact_form": ContactForm(client_id=ticket.client_id, initial={"contact": ticket.contact_id}),
        "can_take": can_write and request.user.is_msp_staff and ticket.assignee_id != request.user.pk,
        "timer_started": timer_started,
        "can_write": can_write,
        "can_time": can(request.user, Can.TIME_OWN),
        "can_see_cost": can(request.user, Can.FINANCE),
    }


def _ticket_for_action(number: int) -> Ticket:
    return get_object_or_404(Ticket.objects.select_for_update(of=("self",)).select_related("sla_plan__calendar"),
                             number=number)


def ticket_action(view):
    """A POST that changes one locked ticket: the view returns the success message or raises ValidationError,
    which comes back as the error message with nothing changed. Either way it returns to a posted `next` on this
    site, else to the ticket."""

    @wraps(view)
    @require_POST
    @requires(Can.DESK_WRITE)
    @transaction.atomic
    def wrapper(request: HttpRequest, number: int) -> HttpResponse:
        ticket = _ticket_for_action(number)
        try:
            with transaction.atomic():
                outcome = view(request, ticket)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _back(request, reverse("servicedesk:ticket", args=[ticket.number]))
        if isinstance(outcome, HttpResponse):
            return outcome
        messages.success(request, outcome)
        return _back(request, reverse("servicedesk:ticket", args=[ticket.number]))

    return wrapper


def _valid(form, message: str):
    if not form.is_valid():
        raise ValidationError(message)
    return form.cleaned_data


@ticket_action
def reply(request: HttpRequest, ticket: Ticket):
    """The composer: reply or note, time, status and resolution in one submit; a refusal re-renders it as typed."""
    form = ComposerForm(request.POST, request.FILES, ticket=ticket)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.respond(ticket, by=request.user, body=data["body"], internal=data["kind"] == "note",
                             minutes=data["minutes"], billable=data["billable"], status=data["status"] or None,
                             resolution=data["resolution"], files=data["attachments"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return _said(data, ticket)
    ticket.refresh_from_db()  # the refused parts changed nothing, in the database or on the page
    return render(request, "servicedesk/ticket.html", _ticket_context(request, ticket, composer=form), status=400)


def _said(data: dict, ticket: Ticket) -> str:
    """What the composer did, in one sentence: "Reply sent, 30 minutes logged, status is now resolved." """
    done = []
    if data["body"].strip():
        done.append("Internal note added" if data["kind"] == "note" else "Reply sent")
    if data["minutes"]:
        done.append(f"{data['minutes']} minutes logged")
    if data["status"]:
        done.append(f"status is now {ticket.get_status_display().lower()}")
    return (", ".join(done) + ".").capitalize()


@ticket_action
def take(request: HttpRequest, ticket: Ticket) -> str:
    services.take(ticket, by=request.user)
    return "The ticket is yours now."


@ticket_action
def change_contact(request: HttpRequest, ticket: Ticket) -> str:
    data = _valid(ContactForm(request.POST, client_id=ticket.client_id), "Choose one of this client's contacts.")
    services.update_ticket(ticket, contact=data["contact"], by=request.user)
    return f"Contact is now {ticket.contact.name}." if ticket.contact else "The ticket has no contact now."


@ticket_action
def change_cc(request: HttpRequest, ticket: Ticket):
    form = CcForm(request.POST)
    if not form.is_valid():
        return render(request, "servicedesk/ticket.html", _ticket_context(request, ticket, cc_form=form), status=400)
    services.change_cc(ticket, form.cleaned_data["cc"], by=request.user)
    return f"CC: {', '.join(ticket.cc)}." if ticket.cc else "Nobody is copied on replies now."


@requires(Can.DESK_READ)
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """Download a file of a ticket or note (never shown inline)."""
    return attachments.download(get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk))


@ticket_action
def change_status(request: HttpRequest, ticket: Ticket) -> str:
    data = _valid(StatusForm(request.POST), "Choose a valid status.")
    services.change_status(ticket, data["status"], by=request.user)
    return f"Status is now {ticket.get_status_display().lower()}."


@ticket_action
def change_priority(request: HttpRequest, ticket: Ticket) -> str:
    data = _valid(PriorityForm(request.POST), "Choose impact and urgency.")
    services.change_priority(ticket, impact=data["impact"], urgency=data["urgency"], by=request.user)
    return f"Priority is now {ticket.get_priority_display()}; SLA clocks recomputed."


@ticket_action
def assign(request: HttpRequest, ticket: Ticket) -> str:
    data = _valid(AssignForm(request.POST), "Choose a technician and a tier.")
    services.update_ticket(ticket, assignee=data["assignee"], tier=data["tier"], by=request.user)
    return "Assignment saved."


@ticket_action
def escalate(request: HttpRequest, ticket: Ticket) -> str:
    services.escalate(ticket, by=request.user)
    return f"Escalated to tier {ticket.tier}."


@ticket_action
def toggle_scope(request: HttpRequest, ticket: Ticket) -> str:
    services.update_ticket(ticket, in_scope=not ticket.in_scope, by=request.user)
    return "Marked in scope." if ticket.in_scope else "Marked out of scope (billable extra)."


@ticket_action
def link_asset(request: HttpRequest, ticket: Ticket) -> str:
    data = _valid(AssetLinkForm(request.POST, client_id=ticket.client_id), "Choose one of this client's assets.")
    services.link_asset(ticket, data["asset"], by=request.user)
    return "Asset linked." if ticket.asset_id else "Asset unlinked."


@ticket_action
def change_agreement(request: HttpRequest, ticket: Ticket) -> str:
    data = _valid(AgreementForm(request.POST, ticket=ticket),
                  "Choose one of the client's agreements in force on the ticket's day, or none.")
    services.change_agreement(ticket, data["agreement"], by=request.user)
    if ticket.agreement is None:
        return "The ticket is under no agreement now: it has no SLA clocks."
    return f"The ticket is under “{ticket.agreement.name}” now; SLA clocks recomputed."


def _time_entry_for(request: HttpRequest, pk: int) -> TimeEntry:
    """A time entry the user may correct: their own, or anybody's with time.all (403 otherwise)."""
    entry = get_object_or_404(TimeEntry.objects.visible_to(request.user).select_related("ticket", "technician",
                                                                                      "approved_by"), pk=pk)
    if not _may_correct(request.user, entry):
        raise PermissionDenied("You can correct your own time only (anybody's needs time.all).")
    return entry


def _time_home(entry: TimeEntry) -> str:
    if entry.task_id:
        return reverse("projects:task", args=[entry.task_id])
    return reverse("servicedesk:ticket", args=[entry.ticket.number]) if entry.ticket_id else \
        reverse("servicedesk:dashboard")


@requires(Can.TIME_OWN)
def task_time(request: HttpRequest, pk: int) -> HttpResponse:
    """Log one's time on a project's task (the project and task pages link here; projects sit below the desk)."""
    task = get_object_or_404(Task.objects.visible_to(request.user).select_related("project__client"), pk=pk)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = TaskTimeForm(request.POST or None, initial={"started_at": now, "billable": True})
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.log_time(technician=request.user, task=task, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"{entry.minutes} minutes logged on “{task.name}”.")
            return _back(request, reverse("projects:task", args=[task.pk]))
    back = request.POST.get("next") or request.GET.get("next") or ""
    return render(request, "servicedesk/task_time.html", {"task": task, "form": form, "next": back},
                  status=400 if form.errors else 200)


@requires(Can.TIME_OWN)
def time_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a time entry (minutes, billable, note); billed and approved time are final and the page says why."""
    entry = _time_entry_for(request, pk)
    form = TimeForm(request.POST or None, initial={"minutes": entry.minutes, "billable": entry.billable,
                                                   "notes": entry.notes})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_time_entry(entry, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Time entry corrected.")
            return _back(request, _time_home(entry))
    return render(request, "servicedesk/time_entry.html", {
        "entry": entry, "form": form, "home": _time_home(entry), "billed": services.lock_reason(entry),
    }, status=400 if form.errors else 200)


@require_POST
@requires(Can.TIME_OWN)
def time_entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _time_entry_for(request, pk)
    try:
        services.delete_time_entry(entry, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("servicedesk:time_entry", pk=pk)
    except ProtectedError:
        messages.error(request, "It is on a draft invoice, so it cannot be removed; correct its minutes or mark it "
                                "not billable instead, and the draft follows when it is regenerated.")
        return redirect("servicedesk:time_entry", pk=pk)
    messages.success(request, f"Time entry removed ({entry.minutes} minutes).")
    return _back(request, _time_home(entry))


def _after(request: HttpRequest, ticket: Ticket, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("servicedesk:ticket", number=ticket.number)


@require_POST
@requires(Can.TIME_OWN)
def timer(request: HttpRequest, number: int) -> HttpResponse:
    """Start/stop timer kept in the session; stopping logs the elapsed whole minutes (at least one)."""
    ticket = get_object_or_404(Ticket, number=number)
    timers = request.session.get("timers", {})
    started = timers.pop(str(ticket.pk), None)
    if started is None:
        timers[str(ticket.pk)] = timezone.now().isoformat()
        request.session["timers"] = timers
        return _after(request, ticket, "Timer started.")
    request.session["timers"] = timers
    started_at = datetime.fromisoformat(started)
    minutes = max(1, round((timezone.now() - started_at).total_seconds() / 60))
    services.log_time(technician=request.user, ticket=ticket, minutes=minutes, started_at=started_at,
                      by=request.user)
    return _after(request, ticket, f"Timer stopped: {minutes} minutes logged.")


@requires(Can.DESK_WRITE)
def ticket_new(request: HttpRequest) -> HttpResponse:
    form = TicketForm(request.POST or None, request.FILES or None,
                      initial={"client": parse_id(request.GET.get("client"))}, opened_by=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                ticket = services.create_ticket(
                    client=data["client"], subject=data["subject"], impact=data["impact"], urgency=data["urgency"],
                    contact=data["contact"], asset=data["asset"], description=data["description"],
                    source=data["source"], ticket_type=data["ticket_type"], assignee=data["assignee"],
                    agreement=data["agreement"], created_by=request.user)
                attachments.attach(ticket, data["attachments"], by=request.user)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Ticket #{ticket.number} opened.")
            return redirect("servicedesk:ticket", number=ticket.number)
    client_id = form.data.get("client") or form.initial.get("client")
    return render(request, "servicedesk/ticket_new.html", {"form": form, "agreements": _agreements_today(client_id)},
                  status=400 if form.errors else 200)


def _agreements_today(client_id) -> list[Agreement]:
    """The chosen client's agreements in force today, the one a new ticket gets by default first."""
    client_id = parse_id(client_id)
    if client_id is None:
        return []
    return list(Agreement.objects.filter(client_id=client_id).in_force(timezone.localdate()).by_coverage())


@requires(Can.DESK_READ)
def pickers(request: HttpRequest) -> HttpResponse:
    """htmx: the contact, asset and agreement options of the chosen client."""
    client_id = parse_id(request.GET.get("client"))
    return render(request, "servicedesk/_pickers.html", {
        "contacts": Contact.objects.filter(client_id=client_id, is_active=True).order_by("last_name"),
        "assets": Asset.objects.filter(client_id=client_id).order_by("name"),
        "agreements": _agreements_today(client_id),
    })



@requires(Can.DESK_WRITE)
def canned_insert(request: HttpRequest, number: int) -> HttpResponse:
    """htmx: the composer's message with the chosen canned reply, filled for this ticket, added after what is typed."""
    ticket = get_object_or_404(Ticket.objects.select_related("client", "contact"), number=number)
    typed = request.GET.get("body", "")
    reply = CannedReply.objects.filter(pk=parse_id(request.GET.get("canned"))).first()
    if reply is not None:
        text = selectors.canned_text(reply, ticket, request.user)
        typed = f"{typed.rstrip()}\n\n{text}" if typed.strip() else text
    form = ComposerForm(initial={"body": typed}, ticket=ticket)
    return render(request, "servicedesk/_composer_body.html", {
        "composer": form, "ticket": ticket, "canned_replies": CannedReply.objects.values_list("pk", "title")})


@requires(Can.DESK_MANAGE)
def canned(request: HttpRequest) -> HttpResponse:
    """Canned replies: the list, and a new one."""
    form = CannedReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reply = services.save_canned_reply(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Canned reply “{reply.title}” saved.")
            return redirect("servicedesk:canned")
    return render(request, "servicedesk/canned.html", {"replies": CannedReply.objects.all(), "form": form},
                  status=400 if form.errors else 200)


def _add_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@requires(Can.DESK_MANAGE)
def canned_edit(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_object_or_404(CannedReply, pk=pk)
    form = CannedReplyForm(request.POST or None, instance=reply)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_canned_reply(reply=CannedReply.objects.get(pk=pk), by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Canned reply “{form.cleaned_data['title']}” saved.")
            return redirect("servicedesk:canned")
    return render(request, "servicedesk/canned_edit.html", {"reply": reply, "form": form},
                  status=400 if form.errors else 200)


@require_POST
@requires(Can.DESK_MANAGE)
def canned_delete(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_object_or_404(CannedReply, pk=pk)
    services.delete_canned_reply(reply, by=request.user)
    messages.success(request, f"Canned reply “{reply.title}” removed.")
    return redirect("servicedesk:canned")
