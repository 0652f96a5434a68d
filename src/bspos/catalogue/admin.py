"""The catalogue's back office: every save and delete goes through catalogue.services (validated, audited)."""

from django.contrib import admin
from django.db import transaction

from bspos.catalogue import services
from bspos.catalogue.models import App, AppFee, AppSubscription, Package, PackageService, QuantityDiscount, Service


class ServiceWritesAdmin(admin.ModelAdmin):
    """A ModelAdmin whose writes are the catalogue services named in `writes`: (save, delete, keyword)."""

    writes: tuple = ()

    def save_model(self, request, obj, form, change) -> None:
        save, _delete, keyword = self.writes
        save(by=request.user, **{keyword: obj})

    def delete_model(self, request, obj) -> None:
        _save, delete, keyword = self.writes
        delete(by=request.user, **{keyword: obj})

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


@admin.register(Service)
class ServiceAdmin(ServiceWritesAdmin):
    writes = (services.save_service, services.delete_service, "service")
    list_display = ["name", "unit", "price", "area", "is_active"]
    list_filter = ["unit", "area", "is_active"]
    search_fields = ["name", "description"]


class PackageServiceInline(admin.TabularInline):
    model = PackageService
    extra = 1
    autocomplete_fields = ["service"]


@admin.register(Package)
class PackageAdmin(ServiceWritesAdmin):
    writes = (services.save_package, services.delete_package, "package")
    list_display = ["name", "rank"]
    inlines = [PackageServiceInline]

    def save_formset(self, request, form, formset, change) -> None:
        lines = formset.save(commit=False)
        for line in formset.deleted_objects:
            services.delete_package_line(by=request.user, line=line)
        for line in lines:
            services.save_package_line(by=request.user, line=line)


@admin.register(App)
class AppAdmin(ServiceWritesAdmin):
    writes = (services.save_app, services.delete_app, "app")
    list_display = ["name", "vendor", "vendor_kind", "app_class", "licence_price", "commission_rate", "is_active"]
    list_filter = ["app_class", "vendor_kind", "is_active"]
    search_fields = ["name", "vendor"]


@admin.register(AppFee)
class AppFeeAdmin(ServiceWritesAdmin):
    writes = (services.save_app_fee, services.delete_app_fee, "fee")
    list_display = ["app_class", "package", "fee_per_user"]
    list_filter = ["app_class", "package"]


@admin.register(QuantityDiscount)
class QuantityDiscountAdmin(ServiceWritesAdmin):
    writes = (services.save_discount, services.delete_discount, "discount")
    list_display = ["min_apps", "percent"]


@admin.register(AppSubscription)
class AppSubscriptionAdmin(ServiceWritesAdmin):
    writes = (services.save_subscription, services.delete_subscription, "subscription")
    list_display = ["client", "app", "users", "start_date", "end_date"]
    list_filter = ["app__app_class"]
    search_fields = ["client__name", "app__name"]
    autocomplete_fields = ["client", "app"]
    list_select_related = ["client", "app"]
