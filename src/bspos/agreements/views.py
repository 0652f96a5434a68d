"""Agreement list and edit page, with the pricing guard (seed 000) where prices are set."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from bspos.agreements.forms import AgreementForm
from bspos.agreements.models import Agreement, AgreementKind
from bspos.audit.services import record, snapshot
from bspos.core.permissions import Can, can, requires
from bspos.money.reports import guards_for

FLAGS = {"below": "Below the floor", "above": "Above the ceiling", "any": "Outside floor or ceiling"}
MAX_FLAG_SCAN = 5000  # the flag filter computes the guard for this many agreements at most


def _sees_guard(user) -> bool:
    """The guard shows direct cost, so only people who set prices see it."""
    return can(user, Can.AGREEMENTS_WRITE) or can(user, Can.FINANCE)


def filter_agreements(params, today) -> tuple:
    """The agreement list's search and filters, without the pricing-guard flag (page and CSV export share them)."""
    agreements = Agreement.objects.select_related("client", "package").order_by("client__name", "-start_date", "pk")
    q = params.get("q", "").strip()
    if q:
        agreements = agreements.filter(client__name__icontains=q)
    kind = params.get("kind", "")
    if kind in AgreementKind.values:
        agreements = agreements.filter(kind=kind)
    if params.get("active", "1") == "1":
        agreements = agreements.in_force(today)
    return agreements, q, kind


def flagged(agreements, flag: str, today) -> tuple[list, dict]:
    """The agreements (first MAX_FLAG_SCAN) whose price is outside the guard's floor or ceiling, and the guards."""
    rows = list(agreements[:MAX_FLAG_SCAN])
    guards = guards_for(rows, today)
    keep = {"below": lambda g: g.below_floor, "above": lambda g: g.above_ceiling,
            "any": lambda g: g.below_floor or g.above_ceiling}[flag]
    return [a for a in rows if keep(guards[a.pk])], guards


@requires(Can.AGREEMENTS_READ)
def agreement_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    agreements, q, kind = filter_agreements(request.GET, today)
    sees_guard = _sees_guard(request.user)
    flag = request.GET.get("flag", "") if sees_guard else ""
    if flag in FLAGS:
        rows, guards = flagged(agreements, flag, today)
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
    else:
        page = Paginator(agreements, 50).get_page(request.GET.get("page"))
        guards = guards_for(list(page.object_list), today) if sees_guard else {}
    for agreement in page.object_list:
        agreement.guard = guards.get(agreement.pk)
    return render(request, "agreements/list.html", {
        "page": page, "q": q, "kind": kind, "kinds": AgreementKind.choices, "flag": flag, "flags": FLAGS,
        "active": request.GET.get("active", "1"), "sees_guard": sees_guard,
        "can_write": can(request.user, Can.AGREEMENTS_WRITE)})


@requires(Can.AGREEMENTS_WRITE)
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(Agreement.objects.select_related("client"), pk=pk)
    before = snapshot(agreement)
    form = AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            record(request.user, agreement, before)
        messages.success(request, "Agreement saved.")
        return redirect("agreements:edit", pk=agreement.pk)
    guard = guards_for([Agreement.objects.get(pk=pk)], timezone.localdate())[pk]
    return render(request, "agreements/edit.html", {"agreement": agreement, "form": form, "guard": guard})
