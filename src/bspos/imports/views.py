"""Import pages: upload a CSV, see the check (every row's errors by line), then apply it; past imports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bspos.core.permissions import Can, can, requires
from bspos.imports import services
from bspos.imports.filters import ImportRunFilter
from bspos.imports.forms import UploadForm
from bspos.imports.models import ImportRun
from bspos.imports.services import KINDS, FileRefused

# Importing time writes other people's time entries: it also needs the right to correct everybody's time.
EXTRA_CAPABILITY = {"time": Can.TIME_ALL}


def _may_import(user, kind: str) -> bool:
    return kind not in EXTRA_CAPABILITY or can(user, EXTRA_CAPABILITY[kind])


@requires(Can.CLIENTS_WRITE)
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and not _may_import(request.user, form.cleaned_data["kind"]):
        form.add_error("kind", "Your role cannot import time entries (it needs the right to correct everybody's time).")
    elif request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            run = services.check_upload(kind=form.cleaned_data["kind"], filename=upload_file.name,
                                        data=upload_file.read(), by=request.user)
        except FileRefused as error:
            form.add_error("file", " ".join(error.messages))
        else:
            return redirect("imports:run", pk=run.pk)
    runs = ImportRunFilter(request.GET, ImportRun.objects.select_related("uploaded_by").defer("content"))
    page = Paginator(runs.qs, 25).get_page(request.GET.get("page"))
    return render(request, "imports/upload.html", {
        "form": form, "page": page, "filter": runs,
        "kinds": [(k.name, k.columns, sorted(k.required)) for k in KINDS.values()]})


@requires(Can.CLIENTS_WRITE)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ImportRun.objects.select_related("uploaded_by").defer("content"), pk=pk)
    return render(request, "imports/run.html", {"run": run})


@require_POST
@requires(Can.CLIENTS_WRITE)
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ImportRun, pk=pk)
    if not _may_import(request.user, run.kind):
        raise PermissionDenied("Your role cannot import time entries.")
    try:
        result = services.apply_run(run, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        (messages.success if result.applied else messages.error)(request, result.summary())
    return redirect("imports:run", pk=pk)
