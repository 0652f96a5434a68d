"""My week (the time sheet), its inline entries, submitting it; the service manager's approvals and the internal
categories. Thin: forms in, servicedesk/timesheets services out."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from bspos.core.dates import week_start
from bspos.core.filters import parse_id
from bspos.core.permissions import Can, can, requires
from bspos.people.models import Role, User
from bspos.servicedesk import services as desk
from bspos.servicedesk.models import TimeCategory, TimeEntry
from bspos.timesheets import selectors, services
from bspos.timesheets.filters import TimeSheetFilter
from bspos.timesheets.forms import CategoryForm, EntryForm, ReturnForm
from bspos.timesheets.models import TimeSheet


def _week_param(value: str | None) -> date:
    """The week a page shows: the Monday of the given date, else this week (a bad date is this week too)."""
    try:
        return week_start(date.fromisoformat(value or ""))
    except ValueError:
        return selectors.week_of_today()


def _person(request: HttpRequest, value) -> User:
    """Whose week: one's own, or anybody's with time.all or time.approve (403 otherwise, 404 for no such person)."""
    pk = parse_id(value)
    if pk is None or pk == request.user.pk:
        return request.user
    if not (can(request.user, Can.TIME_ALL) or can(request.user, Can.TIME_APPROVE)):
        raise PermissionDenied("You can open your own week only.")
    return get_object_or_404(User, pk=pk)


def _may_edit(user: User, technician: User) -> bool:
    return technician.pk == user.pk or can(user, Can.TIME_ALL)


def week_url(technician: User, week: date, viewer: User) -> str:
    query = {"week": week.isoformat()}
    if technician.pk != viewer.pk:
        query["technician"] = technician.pk
    return f"{reverse('timesheets:week')}?{urlencode(query)}"


def _render_week(request: HttpRequest, technician: User, week: date, form: EntryForm | None = None,
                 return_form: ReturnForm | None = None, status: int = 200) -> HttpResponse:
    sheet = selectors.week_of(technician, week)
    editable = _may_edit(request.user, technician)
    # Each row's links and state worked out here once: a {% url %} per row costs more than the rest of the row.
    edit, delete = reverse("timesheets:entry", args=[0]), reverse("timesheets:entry-delete", args=[0])
    ticket = reverse("servicedesk:ticket", args=[0])
    for day in sheet.days:
        for entry in day.entries:
            entry.lock = desk.lock_reason(entry)
            entry.invoice = entry.billing_invoice()
            entry.edit_url, entry.delete_url = edit.replace("/0/", f"/{entry.pk}/"), \
                delete.replace("/0/", f"/{entry.pk}/")
            if entry.ticket_id:
                entry.ticket_url = ticket.replace("/0/", f"/{entry.ticket.number}/")
    may_decide = (can(request.user, Can.TIME_APPROVE) and sheet.sheet is not None
                  and (technician.pk != request.user.pk or request.user.role == Role.OWNER))
    return render(request, "timesheets/week.html", {
        "sheet": sheet, "technician": technician, "editable": editable,
        "form": form or EntryForm(week=week, initial={"day": _default_day(week)}),
        "return_form": return_form or ReturnForm(), "may_decide": may_decide,
        "here": week_url(technician, week, request.user),
        "previous": week_url(technician, sheet.previous, request.user),
        "next": week_url(technician, sheet.next, request.user),
        "this_week": week_url(technician, selectors.week_of_today(), request.user),
    }, status=status)


def _default_day(week: date) -> str:
    today = timezone.localdate()
    return (today if week_start(today) == week else week).isoformat()


@requires(Can.TIME_OWN)
def week(request: HttpRequest) -> HttpResponse:
    """A person's week: every entry by day, totals against their business hours, add/correct/remove inline."""
    return _render_week(request, _person(request, request.GET.get("technician")),
                        _week_param(request.GET.get("week")))


@require_POST
@requires(Can.TIME_OWN)
def entry_add(request: HttpRequest) -> HttpResponse:
    technician = _person(request, request.POST.get("technician"))
    if not _may_edit(request.user, technician):
        raise PermissionDenied("You can log your own time only (anybody's needs time.all).")
    week = _week_param(request.POST.get("week"))
    form = EntryForm(request.POST, week=week)
    if form.is_valid():
        data = form.cleaned_data
        try:
            desk.log_time(technician=technician, minutes=data["duration"], started_at=data["started_at"],
                          ticket=data["ticket"], internal_category=data["category"], billable=data["billable"],
                          notes=data["notes"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, f"{data['duration']} minutes logged on {data['day']:%A}.")
            return redirect(week_url(technician, week, request.user))
    return _render_week(request, technician, week, form=form, status=400)


def _entry(request: HttpRequest, pk: int) -> TimeEntry:
    entry = get_object_or_404(TimeEntry.objects.visible_to(request.user).select_related(
        "ticket", "technician", "approved_by").with_category_names(), pk=pk)
    if not _may_edit(request.user, entry.technician):
        raise PermissionDenied("You can correct your own time only (anybody's needs time.all).")
    return entry


@requires(Can.TIME_OWN)
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The entry's row as a form (htmx swaps it in place); saving corrects it through the desk's service, which
    refuses billed and approved time with the reason."""
    entry = _entry(request, pk)
    week = week_start(_local_day(entry))
    initial = {"day": _local_day(entry).isoformat(), "start": _local_time(entry), "duration": entry.minutes,
               "billable": entry.billable, "notes": entry.notes}
    form = EntryForm(request.POST or None, week=week, editing=entry, initial=initial)
    entry.lock = desk.lock_reason(entry)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            desk.update_time_entry(entry, by=request.user, started_at=data["started_at"], minutes=data["duration"],
                                   billable=data["billable"], notes=data["notes"])
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Time entry corrected.")
            target = week_url(entry.technician, week_start(_local_day(entry)), request.user)
            if request.headers.get("HX-Request"):  # the inline row: reload the week, its totals changed too
                return HttpResponse(headers={"HX-Location": target})
            return redirect(target)
    template = "timesheets/_entry_form.html" if request.headers.get("HX-Target", "").startswith("entry-") \
        else "timesheets/entry.html"
    return render(request, template, {
        "entry": entry, "form": form, "back": week_url(entry.technician, week, request.user)},
        status=400 if form.errors else 200)


def _local_day(entry: TimeEntry) -> date:
    return timezone.localtime(entry.started_at).date()


def _local_time(entry: TimeEntry):
    return timezone.localtime(entry.started_at).time().replace(second=0, microsecond=0)


@require_POST
@requires(Can.TIME_OWN)
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    back = week_url(entry.technician, week_start(_local_day(entry)), request.user)
    try:
        desk.delete_time_entry(entry, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except ProtectedError:
        messages.error(request, "It is on a draft invoice, so it cannot be removed; correct its minutes or mark it "
                                "not billable instead, and the draft follows when it is regenerated.")
    else:
        messages.success(request, f"Time entry removed ({entry.minutes} minutes).")
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):  # the row's Remove button
        return HttpResponse(headers={"HX-Location": back})
    return redirect(back)


@require_POST
@requires(Can.TIME_OWN)
def submit(request: HttpRequest) -> HttpResponse:
    technician = _person(request, request.POST.get("technician"))
    if not _may_edit(request.user, technician):
        raise PermissionDenied("You can submit your own week only.")
    week = _week_param(request.POST.get("week"))
    try:
        services.submit_week(technician=technician, week=week, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Week of {week:%d %b %Y} submitted for approval.")
    return redirect(week_url(technician, week, request.user))


@requires(Can.TIME_APPROVE)
def approvals(request: HttpRequest) -> HttpResponse:
    """Weeks to decide on (submitted, by default), each with its live totals; approve or open one."""
    filters = TimeSheetFilter(request.GET, TimeSheet.objects.all(), request=request)
    sheets = filters.qs.select_related("technician", "decided_by").order_by("-week", "technician__username", "pk")
    page = Paginator(sheets, 50).get_page(request.GET.get("page"))
    selectors.with_week_totals(list(page.object_list))
    for sheet in page.object_list:
        sheet.url = week_url(sheet.technician, sheet.week, request.user)
    return render(request, "timesheets/approvals.html", {"filter": filters, "page": page,
                                                         "waiting": TimeSheet.objects.awaiting_decision().count()})


@require_POST
@requires(Can.TIME_APPROVE)
def decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    sheet = get_object_or_404(TimeSheet.objects.select_related("technician"), pk=pk)
    here = week_url(sheet.technician, sheet.week, request.user)
    back = request.POST.get("next") == "approvals"
    form = ReturnForm(request.POST) if action == "return" else None
    try:
        with transaction.atomic():
            if action == "approve":
                services.approve_week(sheet=sheet, by=request.user)
                messages.success(request, f"{sheet.technician}'s week of {sheet.week:%d %b %Y} approved.")
            elif form.is_valid():
                services.return_week(sheet=sheet, by=request.user, comment=form.cleaned_data["comment"])
                messages.success(request, f"{sheet.technician}'s week of {sheet.week:%d %b %Y} returned.")
            else:
                return _render_week(request, sheet.technician, sheet.week, return_form=form, status=400)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("timesheets:approvals") if back else here)


@requires(Can.TIME_APPROVE)
def categories(request: HttpRequest) -> HttpResponse:
    """The internal categories of time: add, rename, reorder, retire (untick "in use"), delete one never used."""
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        category = None
        if parse_id(request.POST.get("category")):
            category = get_object_or_404(TimeCategory, pk=parse_id(request.POST.get("category")))
        try:
            desk.save_time_category(category=category, by=request.user, name=form.cleaned_data["name"],
                                    is_active=form.cleaned_data["is_active"],
                                    position=form.cleaned_data["position"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"“{form.cleaned_data['name']}” saved.")
            return redirect("timesheets:categories")
    elif request.method == "POST":
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
    return render(request, "timesheets/categories.html", {
        "categories": TimeCategory.objects.all(), "form": form if not form.is_bound else CategoryForm(),
    }, status=400 if form.is_bound and request.method == "POST" else 200)


@require_POST
@requires(Can.TIME_APPROVE)
def category_delete(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(TimeCategory, pk=pk)
    try:
        desk.delete_time_category(category, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{category.name}” deleted.")
    return redirect("timesheets:categories")

