"""The catalogue as staff and clients' account managers read it: services, packages, the app marketplace."""

from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bspos.catalogue.models import App, AppClass, AppFee, Package, PackageService, QuantityDiscount, Service
from bspos.core.dates import in_force_q
from bspos.core.permissions import Can, requires


@requires(Can.DESK_READ)
def catalogue(request: HttpRequest) -> HttpResponse:
    packages = list(Package.objects.prefetch_related(
        Prefetch("lines", queryset=PackageService.objects.select_related("service").order_by("-is_included",
                                                                                               "service__name"))))
    fees = {(fee.app_class, fee.package_id): fee.fee_per_user for fee in AppFee.objects.all()}
    fee_rows = [{"label": label, "default": fees.get((value, None)),
                 "by_package": [fees.get((value, package.pk)) for package in packages]}
                for value, label in AppClass.choices]
    apps = App.objects.annotate(clients=Count("subscriptions__client", distinct=True,
                                              filter=in_force_q(timezone.localdate(), prefix="subscriptions__")))
    return render(request, "catalogue/catalogue.html", {
        "services": Service.objects.filter(is_active=True), "packages": packages, "fee_rows": fee_rows,
        "apps": apps, "discounts": QuantityDiscount.objects.all()})
