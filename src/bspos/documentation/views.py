"""Documentation pages: a client's documentation (every kind in sections, and what expires soon), a list per kind
(search, filters, pages), a row with create/edit/delete, "check now" for a certificate, the expiring page and
the MSP's record types. A client contact reads only what is shared with their company; everything else is 404."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bspos.clients.models import Client
from bspos.core.filters import parse_id
from bspos.core.permissions import Can, can, contact_client_id, requires
from bspos.documentation import certificates, services
from bspos.documentation.filters import FILTERS
from bspos.documentation.forms import FORMS, RecordTypeForm
from bspos.documentation.models import RecordType, Relation, relatable_kind
from bspos.documentation.selectors import (
    EXPIRING_KINDS,
    TITLES,
    WINDOWS,
    documentation_sections,
    expiring,
    path_of,
    relatable,
)
from bspos.documentation.services import KINDS


def _model(kind: str):
    if kind not in KINDS:
        raise Http404("No such kind of documentation.")
    return KINDS[kind]


def _reader(request: HttpRequest) -> None:
    """Staff who read the desk, or a client contact (who then sees only their own company's shared rows)."""
    if not (can(request.user, Can.DESK_READ) or contact_client_id(request.user) is not None):
        raise Http404("Not found.")


def _row(request: HttpRequest, kind: str, pk: int):
    return get_object_or_404(_model(kind).objects.visible_to(request.user).select_related("client"), pk=pk)


def _window(request: HttpRequest) -> int:
    days = parse_id(request.GET.get("within"))
    return days if days in WINDOWS else 30


def client_documentation(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Every kind of a client's documentation in sections, and what of theirs expires within the chosen window."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _reader(request)
    if not can(request.user, Can.DESK_READ) and contact_client_id(request.user) != client_pk:
        raise Http404("Not found.")
    client = get_object_or_404(Client, pk=client_pk)
    sections = documentation_sections(client, user=request.user)
    within = _window(request)
    return render(request, "documentation/client.html", {
        "client": client, "sections": sections, "within": within, "windows": WINDOWS,
        "expiring": expiring(client, within_days=within, user=request.user),
        "editing": can(request.user, Can.DOCS_WRITE)})


@requires(Can.DESK_READ)
def kind_list(request: HttpRequest, kind: str) -> HttpResponse:
    model = _model(kind)
    filters = FILTERS[kind](request.GET, model.objects.visible_to(request.user))
    rows = filters.qs.select_related("client").order_by("client__name", *model._meta.ordering, "pk")
    return render(request, "documentation/list.html", {
        "kind": kind, "title": TITLES[kind], "filter": filters,
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "client_id": parse_id(request.GET.get("client")), "editing": can(request.user, Can.DOCS_WRITE)})


def detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _reader(request)
    row = _row(request, kind, pk)
    return render(request, "documentation/detail.html", {
        "kind": kind, "title": TITLES[kind], "row": row, "editing": can(request.user, Can.DOCS_WRITE),
        "staff": can(request.user, Can.DESK_READ)})


@requires(Can.DOCS_WRITE)
def edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    model = _model(kind)
    row = _row(request, kind, pk) if pk else None
    form_class = FORMS[kind]
    initial = {"client": parse_id(request.GET.get("client"))} if row is None else {}
    form = form_class(request.POST or None, initial=initial,
                      instance=model.objects.get(pk=row.pk) if row else None)
    context = {"form": form, "kind": kind, "title": TITLES[kind], "row": row}
    if request.method == "POST":
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields if name in form.cleaned_data}
            try:
                saved = (services.update(row, by=request.user, **fields) if row
                         else services.create(model, by=request.user, **fields))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Saved “{saved}”.")
                return redirect("documentation:detail", kind=kind, pk=saved.pk)
        return render(request, "documentation/form.html", context, status=400)
    return render(request, "documentation/form.html", context)


@requires(Can.DOCS_WRITE)  # outermost: a contact meets 404 whatever the method
@require_POST
def delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    row = _row(request, kind, pk)
    client_pk = row.client_id
    services.delete(row, by=request.user)
    messages.success(request, f"Deleted “{row}”.")
    return redirect("documentation:client", client_pk=client_pk)


@requires(Can.DOCS_WRITE)  # outermost: a contact meets 404 whatever the method
@require_POST
def check_now(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = certificates.check(_row(request, "certificates", pk))
    if certificate.last_error:
        messages.error(request, f"The check failed: {certificate.last_error} The last good data is kept.")
    else:
        messages.success(request, f"Read the certificate of {certificate}.")
    return redirect("documentation:detail", kind="certificates", pk=certificate.pk)


@requires(Can.DESK_READ)
def expiring_page(request: HttpRequest) -> HttpResponse:
    within = _window(request)
    client = get_object_or_404(Client, pk=parse_id(request.GET["client"])) if parse_id(
        request.GET.get("client")) else None
    kind = request.GET.get("kind") if request.GET.get("kind") in EXPIRING_KINDS else None
    items = expiring(client, within_days=within, user=request.user, kinds=[kind] if kind else None)
    return render(request, "documentation/expiring.html", {
        "items": Paginator(items, 100).get_page(request.GET.get("page")), "page": None, "within": within,
        "windows": WINDOWS, "kinds": EXPIRING_KINDS, "kind": kind, "client": client,
        "clients": Client.objects.order_by("name").only("pk", "name")})


@requires(Can.DESK_READ)
def record_types(request: HttpRequest) -> HttpResponse:
    types = RecordType.objects.order_by("name")
    return render(request, "documentation/record_types.html", {
        "types": types, "editing": can(request.user, Can.DOCS_WRITE)})


@requires(Can.DOCS_WRITE)
def record_type_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    record_type = get_object_or_404(RecordType, pk=pk) if pk else None
    form = RecordTypeForm(request.POST or None, instance=RecordType.objects.get(pk=pk) if pk else None)
    if request.method == "POST":
        if form.is_valid():
            fields = {"name": form.cleaned_data["name"], "layout": form.cleaned_data["layout"]}
            try:
                saved = (services.update_record_type(record_type, by=request.user, **fields) if record_type
                         else services.create_record_type(by=request.user, **fields))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Saved the type “{saved}”.")
                return redirect("documentation:record_types")
        return render(request, "documentation/record_type_form.html", {"form": form, "record_type": record_type},
                      status=400)
    return render(request, "documentation/record_type_form.html", {"form": form, "record_type": record_type})



def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """To the page the relation was changed from (a path on this site), else `fallback`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@requires(Can.DOCS_WRITE)  # outermost: a contact meets 404 whatever the method
@require_POST
def relation_add(request: HttpRequest) -> HttpResponse:
    """Relate the record of this page (`from`) to another of its client's (`to`, picked as "kind:id")."""
    one = relatable(request.POST.get("from", ""), user=request.user)
    if one is None:
        raise Http404("No such record.")
    other = relatable(request.POST.get("to", ""), user=request.user)
    if other is None:
        messages.error(request, "Pick the record to relate it to.")
        return _back(request, path_of(relatable_kind(type(one)), one.pk))
    try:
        services.relate(one, other, by=request.user, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Related “{one}” and “{other}”.")
    return _back(request, path_of(relatable_kind(type(one)), one.pk))


@requires(Can.DOCS_WRITE)  # outermost: a contact meets 404 whatever the method
@require_POST
def relation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    relation = get_object_or_404(Relation.objects.visible_to(request.user), pk=pk)
    services.unrelate(relation, by=request.user)
    messages.success(request, "The relation is removed from both records.")
    return _back(request, reverse("documentation:client", args=[relation.client_id]))
