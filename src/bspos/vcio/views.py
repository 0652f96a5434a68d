"""vCIO pages: assessments (workshop answers, targets, radar, history), and the CEO's no-login questionnaire."""

import math

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bspos.catalogue.models import Service, SevenCArea
from bspos.clients.models import Client
from bspos.core import csvwriter
from bspos.core.permissions import Can, can, contact_client_id, requires
from bspos.servicedesk import attachments
from bspos.vcio import approvals, evidence, history, matrix, selectors, services
from bspos.vcio.filters import AssessmentFilter
from bspos.vcio.forms import RoadmapItemForm
from bspos.vcio.models import Assessment, AssessmentTemplate, EvidenceFile, Party, RoadmapItem


def radar(areas: list[services.AreaScore], size: int = 320) -> dict:
    """Polygon points for current and target scores on one axis per area."""
    centre, radius = size / 2, size / 2 - 48
    axes, current, target = [], [], []
    for index, area in enumerate(areas):
        angle = -math.pi / 2 + 2 * math.pi * index / max(len(areas), 1)
        dx, dy = math.cos(angle), math.sin(angle)
        axes.append({"x": round(centre + dx * radius, 1), "y": round(centre + dy * radius, 1),
                     "lx": round(centre + dx * (radius + 22), 1), "ly": round(centre + dy * (radius + 22), 1),
                     "label": area.name})
        current.append(f"{centre + dx * radius * float(area.score or 0) / 100:.1f},"
                       f"{centre + dy * radius * float(area.score or 0) / 100:.1f}")
        target.append(f"{centre + dx * radius * float(area.target or 0) / 100:.1f},"
                      f"{centre + dy * radius * float(area.target or 0) / 100:.1f}")
    rings = [{"r": round(radius * step / 4, 1)} for step in range(1, 5)]
    return {"size": size, "centre": centre, "axes": axes, "current": " ".join(current),
            "target": " ".join(target) if any(a.target for a in areas) else "", "rings": rings}


@requires(Can.DESK_READ)
def assessment_list(request: HttpRequest) -> HttpResponse:
    filters = AssessmentFilter(request.GET, Assessment.objects.visible_to(request.user).select_related(
        "client", "template", "started_by"), request=request)
    page = Paginator(filters.qs, 50).get_page(request.GET.get("page"))
    chosen = filters.form.cleaned_data.get("client") if filters.is_valid() else None
    return render(request, "vcio/list.html", {
        "page": page, "filter": filters, "chosen": chosen, "can_edit": can(request.user, Can.VCIO),
        "clients": Client.objects.exclude(status="churned").order_by("name").values_list("pk", "name"),
        "templates": AssessmentTemplate.objects.order_by("key", "-version")})


@requires(Can.VCIO)
@require_POST
def assessment_new(request: HttpRequest) -> HttpResponse:
    client = Client.objects.filter(pk=request.POST.get("client") or 0).first()
    template = AssessmentTemplate.objects.filter(pk=request.POST.get("template") or 0).first()
    if client is None or template is None:
        messages.error(request, "Choose a client and a framework.")
        return redirect("vcio:list")
    assessment = services.start_assessment(client=client, template=template, by=request.user)
    messages.success(request, f"{template.name} started for {client.name}.")
    return redirect("vcio:assessment", pk=assessment.pk)


@requires(Can.DESK_READ)
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(Assessment.objects.visible_to(request.user).select_related(
        "client", "template", "snapshot", "carried_from"), pk=pk)
    areas, overall = services.assessment_scores(assessment)
    kept = services.frozen(assessment)
    answers = {a.question: a for a in assessment.answers.select_related("answered_by", "reviewed_by")
               .prefetch_related("files")}
    kept_answers = {row["question"]: row for row in kept["answers"]} if kept else {}
    work = {item.question: item for item in assessment.client.roadmap.filter(ticket__isnull=False).exclude(
        question="").select_related("ticket").order_by("pk")}
    preparing = can(request.user, Can.DESK_WRITE)
    user = request.user if preparing else None
    sections = [{"area": area, "score": score, "questions": [
        {"q": q, "answer": answers.get(q["code"]), "kept": kept_answers.get(q["code"]), "work": work.get(q["code"]),
         "locked": not preparing or bool(services.answer_refusal(assessment, answers.get(q["code"]), by=user))}
        for q in area["questions"]]}
        for area, score in zip(assessment.template.data["areas"], areas, strict=True)]
    reviewer = services.reviews(request.user)
    return render(request, "vcio/assessment.html", {
        "assessment": assessment, "areas": areas, "overall": overall, "sections": sections, "kept": kept,
        "scale": assessment.template.data["scale"], "radar": radar(areas), "history": history.history(assessment),
        "links": assessment.links.all(), "can_edit": reviewer, "can_prepare": preparing,
        "can_answer": preparing and not services.stage_refusal(assessment, by=request.user),
        "reviewing": reviewer and not services.stage_refusal(assessment, by=request.user),
        "review_refusal": services.review_refusal(assessment) if not assessment.is_closed else "",
        "waiting": sum(a.review == a.Review.WAITING for a in answers.values()),
        "new_link": request.session.pop(f"vcio-link-{assessment.pk}", None)})


PREPARING = {"answers", "submit"}  # what a technician does; everything else on an assessment is the vCIO's


@requires(Can.DESK_WRITE)
@require_POST
def assessment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    assessment = get_object_or_404(Assessment, pk=pk)
    if action not in PREPARING and not can(request.user, Can.VCIO):
        raise PermissionDenied("Only the vCIO reviews, sets targets, sends links, shares and closes.")
    try:
        if action == "answers":
            files = {key.removeprefix("files-"): request.FILES.getlist(key) for key in request.FILES
                     if key.startswith("files-")}
            saved = evidence.save_answers_with_files(assessment, request.POST, files, by=request.user)
            stored = sum(len(group) for group in files.values())
            messages.success(request, f"{saved} answer(s) saved" + (f", {stored} file(s) stored." if stored else "."))
        elif action == "submit":
            services.submit_for_review(assessment=assessment, by=request.user)
            messages.success(request, "Sent to the vCIO for review.")
        elif action == "accept-waiting":
            accepted = services.accept_waiting(assessment=assessment, by=request.user)
            messages.success(request, f"{accepted} answer(s) accepted.")
        elif action == "share":
            services.share_assessment(assessment=assessment, by=request.user)
            messages.success(request, "Shared: the client's contacts see it under Our IT plan.")
        elif action == "targets":
            services.set_targets(assessment, request.POST)
            messages.success(request, "Targets saved.")
        elif action == "link":
            link, token = services.create_link(assessment, sent_to=request.POST.get("sent_to", "")[:254],
                                               by=request.user)
            request.session[f"vcio-link-{assessment.pk}"] = request.build_absolute_uri(
                reverse("questionnaire", args=[token]))
            messages.success(request, f"Link created; it works until {timezone.localtime(link.expires_at):%d %b %Y}.")
        elif action == "revoke":
            link = assessment.links.filter(pk=_id(request.POST.get("link"))).first()
            revoked = link is not None and services.revoke_link(link=link, by=request.user)
            messages.success(request, "Link withdrawn." if revoked else "No such open link.")
        elif action == "close":
            services.close_assessment(assessment=assessment, by=request.user)
            messages.success(request, "Assessment closed: kept as it is now, with the roadmap; its links no "
                                      "longer open.")
        else:
            raise ValidationError("Unknown action.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("vcio:assessment", pk=pk)


def questionnaire(request: HttpRequest, token: str) -> HttpResponse:
    """The CEO's form: no login, one assessment, save and come back until the link expires."""
    try:
        link = services.open_link(token)
    except services.LinkRefused as refused:
        return render(request, "vcio/link_refused.html", {"message": str(refused)}, status=410)
    assessment = link.assessment
    saved = None
    if request.method == "POST":
        try:
            saved = services.save_answers(assessment, request.POST)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    answers = {a.question: a for a in assessment.answers.all()}
    sections = [{"area": area, "questions": [{"q": q, "answer": answers.get(q["code"])} for q in area["questions"]]}
                for area in assessment.template.data["areas"]]
    return render(request, "vcio/questionnaire.html", {
        "assessment": assessment, "sections": sections, "scale": assessment.template.data["scale"],
        "link": link, "saved": saved, "answered": len(answers),
        "total": sum(len(area["questions"]) for area in assessment.template.data["areas"])})


@requires(Can.DESK_READ)
def roadmap(request: HttpRequest, client_id: int) -> HttpResponse:
    company = get_object_or_404(Client, pk=client_id)
    editing = can(request.user, Can.VCIO)
    form = RoadmapItemForm(initial={"quarter": company.fiscal_quarter(timezone.localdate()).next().first},
                           client=company)
    if request.method == "POST":
        if not editing:
            raise PermissionDenied("Your role cannot change the roadmap.")
        item = company.roadmap.filter(pk=_id(request.POST.get("item"))).first() if request.POST.get("item") else None
        form = RoadmapItemForm(request.POST, instance=item, client=company)
        if form.is_valid():
            saved = form.save(commit=False)
            saved.client = company
            try:
                services.save_roadmap_item(saved, by=request.user)
            except ValidationError as error:
                messages.error(request, "Nothing saved: " + " ".join(error.messages))
            else:
                messages.success(request, f"Saved “{saved.title}”.")
                return redirect("vcio:roadmap", client_id=company.pk)
        else:
            messages.error(request, "Nothing saved: " + "; ".join(
                f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()))
    items = list(company.roadmap.select_related("owner", "client", "ticket").prefetch_related("decisions"))
    quarters: dict = {}
    for item in items:
        quarters.setdefault(item.quarter, []).append(item)
    return render(request, "vcio/roadmap.html", {
        "client": company, "form": form, "editing": editing,
        "quarters": [(company.fiscal_quarter(first), rows) for first, rows in sorted(quarters.items())],
        "budget": selectors.budget_by_year(company),
        "statuses": RoadmapItem.Status.choices, "priorities": RoadmapItem.Priority.choices,
        "parties": matrix.parties_of(company), **_approval_context(request, company, items)})


def _approval_context(request: HttpRequest, company: Client, items: list[RoadmapItem]) -> dict:
    """The roadmap page's "Ask the client to approve" card: proposed items, the links sent, a new link once."""
    return {"proposed": [item for item in items if item.status == RoadmapItem.Status.PROPOSED],
            "approval_links": company.approval_links.select_related("created_by").prefetch_related(
                "items", "decisions")[:10],
            "new_approval_link": request.session.pop(f"vcio-approval-{company.pk}", None), "now": timezone.now()}


@requires(Can.VCIO)
@require_POST
def suggest(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(Assessment, pk=pk)
    created = services.suggest_roadmap(assessment)
    messages.success(request, f"{created} item(s) proposed from the weakest answers." if created
                     else "Nothing new to propose: weak answers already have open roadmap items.")
    return redirect("vcio:roadmap", client_id=assessment.client_id)


def _matrix_rows(company: Client, parties: list) -> list[dict]:
    cells = matrix.grid(company)
    rows = []
    for group, areas in matrix.LIBRARY:
        for code, name in areas:
            roles = [cells.get((code, party.pk), "") for party in parties]
            rows.append({"group": group, "code": code, "name": name,
                         "cells": [{"party": party, "role": role} for party, role in zip(parties, roles, strict=True)],
                         "no_accountable": "A" not in roles})
    return rows


@requires(Can.DESK_READ)
def responsibility_matrix(request: HttpRequest, client_id: int) -> HttpResponse:
    company = get_object_or_404(Client, pk=client_id)
    editing = can(request.user, Can.VCIO)
    if request.method == "POST":
        if not editing:
            raise PermissionDenied("Your role cannot change the matrix.")
        if request.POST.get("action") == "set-up":
            matrix.set_up_parties(company)
            messages.success(request, "The default virtual IT department is set up; assign the letters below.")
            return redirect("vcio:matrix", client_id=company.pk)
        if request.POST.get("action") in ("add-party", "remove-party"):
            _change_party(request, company)
            return redirect("vcio:matrix", client_id=company.pk)
        try:
            saved = matrix.save_grid(company, request.POST)
            messages.success(request, f"Matrix saved ({saved} assignments).")
            return redirect("vcio:matrix", client_id=company.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages) + " Nothing was changed.")
    parties = matrix.parties_of(company)
    rows = _matrix_rows(company, parties)
    return render(request, "vcio/matrix.html", {
        "client": company, "parties": parties, "rows": rows, "editing": editing, "roles": ["", "R", "A", "C", "I"],
        "kinds": Party.Kind.choices,
        "unowned": sum(row["no_accountable"] for row in rows)})


@requires(Can.DESK_READ)
def matrix_csv(request: HttpRequest, client_id: int) -> HttpResponse:
    """The matrix as a spreadsheet; party names are cells like any other (a formula is written as text)."""
    company = get_object_or_404(Client, pk=client_id)
    parties = matrix.parties_of(company)
    rows = ([row["group"], row["name"],
             next((c["party"].name for c in row["cells"] if c["role"] == "A"), "CEO (no one else)"),
             *[c["role"] for c in row["cells"]]] for row in _matrix_rows(company, parties))
    header = ["7C area", "responsibility area", "accountable", *[csvwriter.cell(p.name) for p in parties]]  # data
    return csvwriter.download(f"responsibility-matrix-{company.pk}", header, rows)


@requires(Can.DESK_READ)
def service_map(request: HttpRequest) -> HttpResponse:
    """Every catalogue service under its 7C area; areas the MSP's own offering covers thinly are flagged."""
    counts = {row["area"]: row for row in Service.objects.filter(is_active=True).values("area").annotate(
        n=Count("pk"))}
    services_by_area = {}
    for service in Service.objects.filter(is_active=True).order_by("name"):
        services_by_area.setdefault(service.area, []).append(service)
    areas = [{"code": code, "name": label, "services": services_by_area.get(code, []),
              "count": counts.get(code, {}).get("n", 0)} for code, label in SevenCArea.choices]
    unmapped = services_by_area.get("", [])
    return render(request, "vcio/service_map.html", {"areas": areas, "unmapped": unmapped, "thin": THIN_COVERAGE})


THIN_COVERAGE = 2  # an area with fewer active services than this is covered thinly


@requires(Can.VCIO)
@require_POST
def review_answer(request: HttpRequest, pk: int, question: str) -> HttpResponse:
    """Accept one answer or send it back with a note (the button beside the answer)."""
    assessment = get_object_or_404(Assessment, pk=pk)
    decision = request.POST.get("decision", "")
    try:
        services.review_answer(assessment=assessment, question=question, decision=decision,
                               note=request.POST.get(f"note-{question}", ""), by=request.user)
    except ValidationError as error:
        messages.error(request, "Nothing changed: " + " ".join(error.messages))
    else:
        messages.success(request, f"Answer to {question} " + (
            "accepted." if decision == "accepted" else "sent back to be prepared again."))
    return redirect(reverse("vcio:assessment", args=[pk]) + f"#q-{question}")


@requires(Can.DESK_READ)
def assessment_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every assessment of this client's framework, and any two of them compared (`?first=&second=`)."""
    assessment = get_object_or_404(Assessment.objects.visible_to(request.user).select_related("client", "template"),
                                   pk=pk)
    rows = history.history(assessment)
    by_pk = {row["assessment"].pk: row["assessment"] for row in rows}
    earlier = [row["assessment"] for row in rows if row["assessment"].pk != assessment.pk]
    default_first = earlier[-1].pk if earlier else assessment.pk
    first = by_pk.get(_id(request.GET.get("first")) or default_first)
    second = by_pk.get(_id(request.GET.get("second")) or assessment.pk)
    if first is None or second is None:
        messages.error(request, "Choose two assessments of this client's framework.")
        first, second = by_pk[default_first], assessment
    comparison = history.compare(first, second) if first != second else None
    return render(request, "vcio/history.html", {
        "assessment": assessment, "rows": rows, "comparison": comparison, "first": first, "second": second})


@requires(Can.DESK_READ)
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """One answer's file, as a download (never shown inline)."""
    return attachments.download(get_object_or_404(EvidenceFile.objects.visible_to(request.user), pk=pk))


@requires(Can.DESK_WRITE)
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first; removing a file of an answer nobody may change any more is refused."""
    file = get_object_or_404(EvidenceFile.objects.select_related("answer__assessment__template"), pk=pk)
    assessment = file.answer.assessment
    if request.method == "POST":
        try:
            evidence.remove_evidence(file=file, by=request.user)
        except ValidationError as error:
            messages.error(request, "Nothing removed: " + " ".join(error.messages))
        else:
            messages.success(request, f"{file.original_name} removed.")
        return redirect(reverse("vcio:assessment", args=[assessment.pk]) + f"#q-{file.answer.question}")
    return render(request, "vcio/evidence_remove.html", {"file": file, "assessment": assessment})


@requires(Can.PORTAL)
def portal_plan(request: HttpRequest) -> HttpResponse:
    """A client contact's read-only view of their own company's assessments, roadmap, budget and matrix."""
    company = get_object_or_404(Client, pk=contact_client_id(request.user) or 0)
    user = request.user
    assessments = []
    for assessment in Assessment.objects.visible_to(user).select_related("template", "snapshot").prefetch_related(
            "answers", "targets"):
        areas, overall = services.assessment_scores(assessment)
        assessments.append({"assessment": assessment, "areas": areas, "overall": overall})
    parties = list(Party.objects.visible_to(user))
    return render(request, "vcio/portal_plan.html", {
        "client": company, "assessments": assessments,
        "items": RoadmapItem.objects.visible_to(user).select_related("client", "owner"),
        "budget": selectors.budget_by_year(company, years=2),
        "waiting": approvals.waiting_count(company),
        "parties": parties, "rows": _matrix_rows(company, parties) if parties else []})


@requires(Can.DESK_READ)
def roadmap_pdf(request: HttpRequest, client_id: int) -> HttpResponse:
    from weasyprint import HTML  # loads Pango only when a PDF is asked for

    company = get_object_or_404(Client, pk=client_id)
    html = render_to_string("vcio/roadmap_pdf.html", {
        "client": company,
        "items": company.roadmap.exclude(status=RoadmapItem.Status.CANCELLED).select_related("client", "owner"),
        "budget": selectors.budget_by_year(company),
        "assessments": [{"assessment": a, "overall": services.assessment_scores(a)[1]}
                        for a in company.assessments.select_related("template", "snapshot")[:5]],
        "today": timezone.localdate()}, request=request)
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="it-roadmap-{company.pk}.pdf"'
    return response


def _id(value) -> int:
    """A posted row id, or 0 (no row) for anything that is not one."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else 0


def _change_party(request: HttpRequest, company: Client) -> None:
    """Add a party to the client's virtual IT department, or remove one (its RACI letters go with it)."""
    try:
        if request.POST["action"] == "add-party":
            party = matrix.add_party(company, name=request.POST.get("name", ""), kind=request.POST.get("kind", ""),
                                     by=request.user)
            messages.success(request, f"{party.name} added.")
            return
        party = company.parties.filter(pk=_id(request.POST.get("party"))).first()
        if party is None:
            raise ValidationError("No such party.")
        matrix.remove_party(party, by=request.user)
        messages.success(request, f"{party.name} removed with its responsibilities.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
