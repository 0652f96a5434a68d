"""The agreement pages (URLs /agreements/…): the list with its filters and CSV export, and the edit page, each
showing the pricing guard (seed 000) where prices are set.

They live in money because the guard is money's figure (labour cost, tool costs, billed time): the agreements
app below it keeps the model, its rules (agreements.services) and its filters, and imports nothing of money."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from bspos.agreements.forms import AgreementForm
from bspos.agreements.models import Agreement
from bspos.agreements.services import update_agreement
from bspos.core import csvwriter
from bspos.core.permissions import Can, can, requires
from bspos.money.filters import PricedAgreementFilter
from bspos.money.reports import guards_for, sees_pricing_guard

CSV_HEADER = ["client", "name", "kind", "package", "unit_price", "quantity", "hourly_rate", "block_hours",
              "monthly_value", "start_date", "end_date", "term_months", "renewal_date"]


def _filtered(request: HttpRequest) -> PricedAgreementFilter:
    agreements = (Agreement.objects.visible_to(request.user).select_related("client", "package")
                  .order_by("client__name", "-start_date", "pk"))
    return PricedAgreementFilter(request.GET, agreements, request=request)


@requires(Can.AGREEMENTS_READ)
def agreement_list(request: HttpRequest) -> HttpResponse:
    filters = _filtered(request)
    page = Paginator(filters.qs, 50).get_page(request.GET.get("page"))
    sees_guard = sees_pricing_guard(request.user)
    guards = guards_for(list(page.object_list), timezone.localdate()) if sees_guard else {}
    for agreement in page.object_list:
        agreement.guard = guards.get(agreement.pk)
    return render(request, "money/agreement_list.html", {
        "page": page, "filter": filters, "sees_guard": sees_guard,
        "can_write": can(request.user, Can.AGREEMENTS_WRITE)})


@requires(Can.AGREEMENTS_READ)
def agreement_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The agreement list as CSV, with the list's filters (the pricing-guard flag too, for those who see it)."""
    fields = ["client__name", "name", "kind", "package__name", *CSV_HEADER[4:]]
    rows = _filtered(request).qs.values_list(*fields).iterator(chunk_size=2000)
    return csvwriter.stream("agreements", CSV_HEADER, rows)


@requires(Can.AGREEMENTS_WRITE)
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(Agreement.objects.select_related("client"), pk=pk)
    form = AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        included = changes.pop("included_services")
        try:
            update_agreement(by=request.user, agreement=agreement, included_services=included, **changes)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Agreement saved.")
            return redirect("agreements:edit", pk=agreement.pk)
    guard = guards_for([Agreement.objects.get(pk=pk)], timezone.localdate())[pk]
    return render(request, "money/agreement_edit.html", {"agreement": agreement, "form": form, "guard": guard})
