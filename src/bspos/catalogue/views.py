"""The catalogue as staff and clients' account managers read it: services, packages, the app marketplace."""

from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bspos.catalogue.models import App, AppClass, AppFee, Package, PackageService, QuantityDiscount, Service
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
                                              filter=Q(subscriptions__end_date__isnull=True)))
    return render(request, "catalogue/catalogue.html", {
        "services": Service.objects.filter(is_active=True), "packages": packages, "fee_rows": fee_rows,
        "apps": apps, "discounts": QuantityDiscount.objects.all()})
