from django.contrib import admin

from bspos.catalogue.models import App, AppFee, AppSubscription, Package, PackageService, QuantityDiscount, Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "price", "area", "is_active"]
    list_filter = ["unit", "area", "is_active"]
    search_fields = ["name", "description"]


class PackageServiceInline(admin.TabularInline):
    model = PackageService
    extra = 1
    autocomplete_fields = ["service"]


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["name", "rank"]
    inlines = [PackageServiceInline]


@admin.register(App)
class AppAdmin(admin.ModelAdmin):
    list_display = ["name", "vendor", "vendor_kind", "app_class", "licence_price", "commission_rate", "is_active"]
    list_filter = ["app_class", "vendor_kind", "is_active"]
    search_fields = ["name", "vendor"]


@admin.register(AppFee)
class AppFeeAdmin(admin.ModelAdmin):
    list_display = ["app_class", "package", "fee_per_user"]
    list_filter = ["app_class", "package"]


@admin.register(QuantityDiscount)
class QuantityDiscountAdmin(admin.ModelAdmin):
    list_display = ["min_apps", "percent"]


@admin.register(AppSubscription)
class AppSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["client", "app", "users", "start_date", "end_date"]
    list_filter = ["app__app_class"]
    search_fields = ["client__name", "app__name"]
    autocomplete_fields = ["client", "app"]
