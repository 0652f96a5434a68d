"""The dispatch board pages: the week and day boards (drag to move or resize), an entry's page, the ticket page's
Schedule card (loaded by URL, so the desk never imports this app), and the personal iCalendar feed."""

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_POST

from bspos.core.filters import parse_id
from bspos.core.permissions import Can, can, requires
from bspos.projects.models import Task
from bspos.schedule import selectors, services
from bspos.schedule.calendars import technician_calendar
from bspos.schedule.filters import BoardFilter
from bspos.schedule.forms import EntryForm
from bspos.schedule.models import CalendarFeed, ScheduleEntry
from bspos.servicedesk.models import Ticket

PEOPLE_PER_PAGE = 20


def _day(text: str | None) -> date | None:
    try:
        return parse_date(text or "")
    except ValueError:  # well formed, but no such day
        return None


def _moment(text: str | None) -> datetime | None:
    """A wall-clock time the board sends ("2026-12-03T09:30"), in the viewer's zone."""
    try:
        value = parse_datetime(text or "")
    except ValueError:
        value = None
    if value is None:
        raise ValidationError("That is not a date and time.")
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%a} {local.day} {local:%b, %H:%M}"


def _conflict_text(entry: ScheduleEntry) -> str | None:
    others = list(services.conflicts(entry)[:3])
    if not others:
        return None
    listed = "; ".join(f"{_when(o.starts_at)}–{timezone.localtime(o.ends_at):%H:%M} {o.label}" for o in others)
    return f"Conflict: {entry.technician} is also booked {listed}."


def _board_context(request: HttpRequest) -> dict:
    view = "day" if request.GET.get("view") == "day" else "week"
    day = _day(request.GET.get("day")) or timezone.localdate()
    first = selectors.week_start(day) if view == "week" else day
    starts, ends = selectors.local_span(first, 7 if view == "week" else 1)
    people = BoardFilter(request.GET, selectors.board_people(starts, ends), request=request)
    page = Paginator(people.qs, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    technicians = list(page.object_list)
    step = timedelta(days=7 if view == "week" else 1)
    slots = [timezone.localtime(t) for t in selectors.slot_times(day)]
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "view": view, "day": day, "first": first, "last": ends.date() - timedelta(days=1), "filter": people,
        "page": page, "query": request.GET.urlencode(), "filter_query": query.urlencode(),
        "rows": (selectors.week_board(technicians, first) if view == "week" else selectors.day_board(technicians, day)),
        "days": [first + timedelta(days=n) for n in range(7)], "slots": slots,
        "marks": [(n, f"{t:%Y-%m-%dT%H:%M}", f"{t:%H:%M}") for n, t in enumerate(slots, start=1)],
        "slot_minutes": selectors.SLOT_MINUTES, "first_minute": selectors.DAY_FIRST_HOUR * 60,
        "previous": first - step, "next": first + step, "today": timezone.localdate(),
        "can_write": can(request.user, Can.DESK_WRITE), "can_manage": can(request.user, Can.DESK_MANAGE),
        "entries_url": reverse("schedule:board") + "entries/",  # + "<id>/": one reverse for hundreds of chips
    }


def _render_board(request: HttpRequest, *, form: EntryForm | None = None, notices=(), status: int = 200,
                  fragment: bool = False) -> HttpResponse:
    context = _board_context(request)
    if form is None:
        start = timezone.make_aware(datetime.combine(max(context["day"], context["today"]), datetime.min.time())) \
            + timedelta(hours=9)
        form = EntryForm(initial={"technician": request.user if services.can_dispatch(request.user, None) else None,
                                  "starts_at": start, "ends_at": start + timedelta(hours=1)})
    context.update(form=form, notices=notices)
    template = "schedule/_board.html" if fragment else "schedule/board.html"
    return render(request, template, context, status=status)


@requires(Can.DESK_READ)
def board(request: HttpRequest) -> HttpResponse:
    """The week (or day) board: a row per technician, their entries, conflicts, planned and logged hours."""
    fragment = request.headers.get("HX-Target") == "board"
    return _render_board(request, fragment=fragment)


@require_POST
@requires(Can.DESK_WRITE)
def entry_new(request: HttpRequest) -> HttpResponse:
    form = EntryForm(request.POST)
    if form.is_valid():
        try:
            entry = services.create_entry(by=request.user, **form.entry_fields())
        except PermissionDenied as error:
            form.add_error("technician", str(error))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Booked {entry.technician} {_when(entry.starts_at)}: {entry.label}.")
            if conflict := _conflict_text(entry):
                messages.warning(request, conflict)
            return redirect(f"{reverse('schedule:board')}?day={timezone.localdate(entry.starts_at)}")
    return _render_board(request, form=form, status=400)


@require_POST
@requires(Can.DESK_WRITE)
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """The board's drag and resize: answers the board again (same view and filters) with what happened."""
    entry = get_object_or_404(ScheduleEntry.objects.select_related("technician"), pk=pk)
    notices, status = [], 200
    try:
        technician = None
        if "technician" in request.POST:
            technician = services.schedulable_people().filter(pk=parse_id(request.POST["technician"])).first()
            if technician is None:
                raise ValidationError("Choose an active member of staff.")
        starts_at = _moment(request.POST["start"]) if request.POST.get("start") else None
        if request.POST.get("day"):
            day = _day(request.POST["day"])
            if day is None:
                raise ValidationError("That is not a day.")
            starts_at = timezone.make_aware(datetime.combine(day, timezone.localtime(entry.starts_at).time()))
        ends_at = _moment(request.POST["end"]) if request.POST.get("end") else None
        moved = services.move_entry(entry, by=request.user, technician=technician, starts_at=starts_at,
                                    ends_at=ends_at)
    except PermissionDenied as error:
        notices, status = [("error", str(error))], 403
    except ValidationError as error:
        notices, status = [("error", " ".join(error.messages))], 422
    else:
        notices = [("success", f"{moved.label}: {moved.technician}, {_when(moved.starts_at)}–"
                               f"{timezone.localtime(moved.ends_at):%H:%M}.")]
        if conflict := _conflict_text(moved):
            notices.append(("warning", conflict))
    return _render_board(request, notices=notices, status=status, fragment=True)


def _entry_form_for(entry: ScheduleEntry, data=None) -> EntryForm:
    initial = {"technician": entry.technician, "starts_at": timezone.localtime(entry.starts_at),
               "ends_at": timezone.localtime(entry.ends_at), "ticket": entry.ticket.number if entry.ticket else None,
               "title": entry.title, "location": entry.location, "site": entry.site, "notes": entry.notes}
    form = EntryForm(data, initial=initial, task=entry.task)  # a task's entry stays the task's
    if entry.ticket_id and data is None:
        form.fields["site"].queryset = entry.ticket.client.sites.order_by("name")
    return form


@requires(Can.DESK_READ)
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(ScheduleEntry.objects.select_related("ticket__client", "ticket__contact", "site",
                                                                   "task__project__client", "technician"), pk=pk)
    form, status = None, 200
    if request.method == "POST":
        form = _entry_form_for(entry, request.POST)
        if form.is_valid():
            try:
                entry = services.update_entry(entry, by=request.user, **form.entry_fields())
            except PermissionDenied as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Saved.")
                if conflict := _conflict_text(entry):
                    messages.warning(request, conflict)
                return redirect("schedule:entry", pk=entry.pk)
        status = 400
    from bspos.audit.services import history

    return render(request, "schedule/entry.html", {
        "entry": entry, "form": form or _entry_form_for(entry), "conflicts": services.conflicts(entry),
        "can_change": services.can_dispatch(request.user, entry.technician), "now": timezone.now(),
        "history": history(entry)[:20]}, status=status)


@require_POST
@requires(Can.DESK_WRITE)
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(ScheduleEntry.objects.select_related("technician"), pk=pk)
    day = timezone.localdate(entry.starts_at)
    services.delete_entry(entry, by=request.user)
    messages.success(request, "The entry is removed from the schedule.")
    return redirect(f"{reverse('schedule:board')}?day={day}")


@require_POST
@requires(Can.DESK_WRITE)
def entry_email(request: HttpRequest, pk: int) -> HttpResponse:
    """Email the ticket's contact the appointment (with an .ics); from the entry page or the ticket's card."""
    entry = get_object_or_404(ScheduleEntry.objects.select_related("ticket__contact", "ticket__client", "site",
                                                                   "technician"), pk=pk)
    try:
        services.email_appointment(entry, by=request.user)
    except ValidationError as error:
        notice, status = ("error", " ".join(error.messages)), 422
    else:
        notice, status = ("success", f"Emailed the appointment to {entry.ticket.contact.email}."), 200
    if request.POST.get("panel") and entry.ticket_id:
        return _panel(request, entry.ticket, notices=[notice], status=status)
    getattr(messages, notice[0])(request, notice[1])
    return redirect("schedule:entry", pk=entry.pk)


@requires(Can.DESK_READ)
def hours(request: HttpRequest) -> HttpResponse:
    """Planned against logged hours for everyone on the board, one week."""
    monday = selectors.week_start(_day(request.GET.get("week")) or timezone.localdate())
    starts, ends = selectors.local_span(monday, 7)
    people = BoardFilter(request.GET, selectors.board_people(starts, ends), request=request)
    return render(request, "schedule/hours.html", {
        "monday": monday, "sunday": monday + timedelta(days=6), "filter": people,
        "rows": selectors.planned_and_logged(list(people.qs), monday),
        "previous": monday - timedelta(days=7), "next": monday + timedelta(days=7)})


# --- the Schedule card of a ticket's and a project task's page ------------------------------------------------------

def _panel(request: HttpRequest, ticket: Ticket | None = None, task: Task | None = None, *,
           form: EntryForm | None = None, notices=(), status: int = 200) -> HttpResponse:
    """The card's entries and its Book form; for a ticket the assignee, for a task its assignee, is prefilled."""
    if form is None:
        start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
        start = start.replace(hour=9)
        assignee = (ticket or task).assignee
        technician = assignee if assignee is not None and assignee.is_active else None
        form = EntryForm(ticket=ticket, task=task, initial={"technician": technician or request.user,
                                                            "starts_at": start, "ends_at": start + timedelta(hours=1)})
    action = (reverse("schedule:ticket-entries", args=[ticket.number]) if ticket is not None
              else reverse("schedule:task-entries", args=[task.pk]))
    return render(request, "schedule/_work_panel.html", {
        "ticket": ticket, "task": task, "entries": selectors.work_entries(ticket=ticket, task=task), "form": form,
        "notices": notices, "action": action, "can_write": can(request.user, Can.DESK_WRITE),
        "now": timezone.now()}, status=status)


def _panel_booking(request: HttpRequest, ticket: Ticket | None = None, task: Task | None = None) -> HttpResponse:
    form = EntryForm(request.POST, ticket=ticket, task=task)
    if form.is_valid():
        try:
            entry = services.create_entry(by=request.user, **form.entry_fields())
        except PermissionDenied as error:
            form.add_error("technician", str(error))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            notices = [("success", f"Booked {entry.technician} {_when(entry.starts_at)}.")]
            if conflict := _conflict_text(entry):
                notices.append(("warning", conflict))
            return _panel(request, ticket, task, notices=notices)
    return _panel(request, ticket, task, form=form, status=400)


def _ticket(number: int) -> Ticket:
    return get_object_or_404(Ticket.objects.select_related("contact", "client", "assignee"), number=number)


def _project_task(request: HttpRequest, pk: int) -> Task:
    return get_object_or_404(Task.objects.visible_to(request.user).select_related("project__client", "assignee"),
                             pk=pk)


@requires(Can.DESK_READ)
def ticket_panel(request: HttpRequest, number: int) -> HttpResponse:
    return _panel(request, _ticket(number))


@require_POST
@requires(Can.DESK_WRITE)
def ticket_entry_new(request: HttpRequest, number: int) -> HttpResponse:
    return _panel_booking(request, _ticket(number))


@requires(Can.DESK_READ)
def task_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The project task page's Schedule card (loaded by URL: projects sit below this app)."""
    return _panel(request, task=_project_task(request, pk))


@require_POST
@requires(Can.DESK_WRITE)
def task_entry_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel_booking(request, task=_project_task(request, pk))


# --- the personal calendar feed ----------------------------------------------------------------------------------

@requires(Can.DESK_READ)
def feed_settings(request: HttpRequest) -> HttpResponse:
    """One's own feed: create or replace the secret address (shown once), or turn it off."""
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_feed(user=request.user, by=request.user)
            messages.success(request, "Your calendar feed is off; calendars subscribed to it stop updating.")
            return redirect("schedule:feed-settings")
        token = services.regenerate_feed(user=request.user, by=request.user)
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = request.build_absolute_uri(reverse("schedule:feed", args=[token])) if token else None
    return render(request, "schedule/feed_settings.html", {"feed": feed, "url": url})


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed Outlook and Google subscribe to; the secret address is the key (no sign-in)."""
    user = services.feed_owner(token)
    if user is None:
        raise Http404("No such calendar.")
    response = HttpResponse(technician_calendar(user, selectors.feed_entries(user)),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="schedule.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
