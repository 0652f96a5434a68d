"""Foundation pages: the team's page (mission, vision and values), Ideal Client Profiles with their reach,
solutions, legal documents and the Construct-phase checklist. Staff read; the owner edits."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bspos.core.permissions import Can, requires
from bspos.foundation import figures, selectors, services
from bspos.foundation.filters import SolutionFilter
from bspos.foundation.forms import (
    ChecklistAnswerForm,
    DecisionForm,
    DocumentForm,
    IcpForm,
    MeasureForm,
    ReviewForm,
    SignatureForm,
    SolutionForm,
    ValueForm,
    VersionForm,
    VisionForm,
)
from bspos.foundation.models import (
    MAX_VALUES,
    TECHNOLOGY_PHRASES,
    CoreValue,
    IdealClientProfile,
    LegalVersion,
    Solution,
    VisionMeasure,
)


def _refuse(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error)


def _run(request: HttpRequest, form, write, success: str) -> bool:
    """Validate the form and call the service; on refusal the errors go on the form (nothing changed)."""
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, success)
            return True
    return False


# --- the team page: mission, vision, values ---------------------------------------------------------------------

def _team_context(request: HttpRequest, **forms) -> dict:
    today = timezone.localdate()
    vision = selectors.current_vision()
    return {"vision": vision, "progress": selectors.vision_progress(vision, today), **selectors.values_overview(),
            "editing": services.can_edit(request.user), "max_values": MAX_VALUES,
            "value_form": forms.get("value_form") or ValueForm(),
            "decision_form": forms.get("decision_form") or DecisionForm(initial={"decided_on": today}),
            "vision_form": forms.get("vision_form") or VisionForm(instance=None, initial={
                "bhag": vision.bhag, "target_date": vision.target_date, "mission": vision.mission} if vision else {}),
            "measure_form": forms.get("measure_form") or MeasureForm()}


@requires(Can.DESK_READ)
def team(request: HttpRequest) -> HttpResponse:
    return render(request, "foundation/team.html", _team_context(request))


@require_POST
@requires(Can.DESK_READ)
def team_write(request: HttpRequest, action: str) -> HttpResponse:
    services.require_owner(request.user)
    by = request.user
    if action == "value":
        form = ValueForm(request.POST)
        done = _run(request, form, lambda d: services.save_value(by=by, **d), "Core value added.")
        forms = {"value_form": form}
    elif action == "decision":
        form = DecisionForm(request.POST)
        done = _run(request, form, lambda d: services.record_value_decision(by=by, **d), "Decision recorded.")
        forms = {"decision_form": form}
    elif action == "vision":
        form = VisionForm(request.POST)
        done = _run(request, form, lambda d: services.set_vision(by=by, **d), "Vision and mission saved.")
        forms = {"vision_form": form}
    elif action == "measure":
        form = MeasureForm(request.POST)
        vision = selectors.current_vision()
        if vision is None:
            form.is_valid()
            form.add_error(None, "Set the vision first; its measures follow.")
            done = False
        else:
            done = _run(request, form, lambda d: services.add_measure(vision=vision, by=by, **d), "Measure added.")
        forms = {"measure_form": form}
    else:
        return redirect("foundation:team")
    if done:
        return redirect("foundation:team")
    return render(request, "foundation/team.html", _team_context(request, **forms), status=400)


@require_POST
@requires(Can.DESK_READ)
def value_edit(request: HttpRequest, pk: int) -> HttpResponse:
    services.require_owner(request.user)
    value = get_object_or_404(CoreValue, pk=pk)
    if request.POST.get("delete"):
        services.delete_value(value, by=request.user)
        messages.success(request, f"“{value.name}” removed.")
        return redirect("foundation:team")
    form = ValueForm(request.POST, instance=CoreValue.objects.get(pk=pk))
    if _run(request, form, lambda d: services.save_value(value, by=request.user, **d), "Core value saved."):
        return redirect("foundation:team")
    return render(request, "foundation/team.html", _team_context(request, value_form=form), status=400)


@require_POST
@requires(Can.DESK_READ)
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    services.require_owner(request.user)
    measure = get_object_or_404(VisionMeasure, pk=pk)
    form = MeasureForm(request.POST, instance=VisionMeasure.objects.get(pk=pk))
    if _run(request, form, lambda d: services.update_measure(measure, by=request.user, **d), "Measure saved."):
        return redirect("foundation:team")
    return render(request, "foundation/team.html", _team_context(request, measure_form=form), status=400)


# --- Ideal Client Profiles --------------------------------------------------------------------------------------

@requires(Can.DESK_READ)
def icps(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    icp = get_object_or_404(IdealClientProfile, pk=pk) if pk else None
    form = IcpForm(request.POST or None, instance=IdealClientProfile.objects.get(pk=icp.pk) if icp else None)
    status = 200
    if request.method == "POST":
        services.require_owner(request.user)
        if _run(request, form, lambda d: services.save_icp(icp, by=request.user, **d), "Ideal Client Profile saved."):
            return redirect("foundation:icps")
        status = 400
    today = timezone.localdate()
    profiles = [{"icp": p, "reach": selectors.icp_reach(p, today)} for p in IdealClientProfile.objects.all()]
    return render(request, "foundation/icps.html", {"profiles": profiles, "form": form, "icp": icp,
                                                    "editing": services.can_edit(request.user)}, status=status)


# --- solutions --------------------------------------------------------------------------------------------------

@requires(Can.DESK_READ)
def solutions(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    solution = get_object_or_404(Solution, pk=pk) if pk else None
    form = SolutionForm(request.POST or None, instance=Solution.objects.get(pk=solution.pk) if solution else None)
    status = 200
    if request.method == "POST":
        services.require_owner(request.user)
        if _run(request, form, lambda d: services.save_solution(solution, by=request.user, **d), "Solution saved."):
            saved = Solution.objects.get(name=form.cleaned_data["name"])
            if saved.technology_phrases:
                messages.warning(request, f"“{saved.name}” names the technology ({', '.join(saved.technology_phrases)})"
                                          ": name the outcome the client buys instead.")
            return redirect("foundation:solutions")
        status = 400
    found = SolutionFilter(request.GET, selectors.solutions())
    return render(request, "foundation/solutions.html", {
        "page": Paginator(found.qs, 50).get_page(request.GET.get("page")), "filter": found, "form": form,
        "solution": solution, "editing": services.can_edit(request.user), "phrases": TECHNOLOGY_PHRASES},
        status=status)


# --- legal documents --------------------------------------------------------------------------------------------

def _legal_context(request: HttpRequest, **forms) -> dict:
    today = timezone.localdate()
    rows = selectors.legal_overview(today)
    for row in rows:
        plans = [p.pk for p in row["document"].sla_plans.all()] if row["document"] else []
        row["sla_results"] = figures.figure(figures.SLA_RESULTS, plans, today, default=[]) if plans else []
    return {"rows": rows, "today": today, "editing": services.can_edit(request.user),
            "document_form": forms.get("document_form") or DocumentForm(),
            "version_form": forms.get("version_form") or VersionForm(initial={"effective_on": today}),
            "signature_form": forms.get("signature_form") or SignatureForm(initial={"signed_on": today}),
            "review_form": ReviewForm(initial={"reviewed_on": today})}


@requires(Can.DESK_READ)
def legal(request: HttpRequest) -> HttpResponse:
    return render(request, "foundation/legal.html", _legal_context(request))


@require_POST
@requires(Can.DESK_READ)
def legal_write(request: HttpRequest, action: str) -> HttpResponse:
    services.require_owner(request.user)
    by = request.user
    if action == "document":
        form = DocumentForm(request.POST)
        done = _run(request, form, lambda d: services.save_document(by=by, **d), "Document saved.")
        forms = {"document_form": form}
    elif action == "version":
        form = VersionForm(request.POST)
        done = _run(request, form, lambda d: services.add_version(by=by, **d),
                    "New version saved: use it for all new clients and migrate existing ones at renewal.")
        forms = {"version_form": form}
    elif action == "signature":
        form = SignatureForm(request.POST)
        done = _run(request, form, lambda d: services.record_signature(by=by, **d), "Signature recorded.")
        forms = {"signature_form": form}
    else:
        return redirect("foundation:legal")
    if done:
        return redirect("foundation:legal")
    return render(request, "foundation/legal.html", _legal_context(request, **forms), status=400)


@require_POST
@requires(Can.DESK_READ)
def version_review(request: HttpRequest, pk: int) -> HttpResponse:
    services.require_owner(request.user)
    version = get_object_or_404(LegalVersion, pk=pk)
    form = ReviewForm(request.POST)
    if _run(request, form, lambda d: services.record_review(version, by=request.user, **d), "Review recorded."):
        return redirect("foundation:legal")
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return render(request, "foundation/legal.html", _legal_context(request), status=400)


# --- the "done" checklist ---------------------------------------------------------------------------------------

@requires(Can.DESK_READ)
def checklist(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        services.require_owner(request.user)
        form = ChecklistAnswerForm(request.POST)
        if _run(request, form, lambda d: services.answer_checklist(by=request.user, **d), "Answer saved."):
            return redirect("foundation:checklist")
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        status = 400
    return render(request, "foundation/checklist.html", {
        **selectors.construct_checklist(timezone.localdate()), "editing": services.can_edit(request.user),
        "answers": ChecklistAnswerForm.base_fields["answer"].choices}, status=status)
