"""Minimal catalogue rows for tests: a service, a package, an app with its fee, a client's subscription."""

from datetime import date
from decimal import Decimal

import factory

from bspos.catalogue.models import App, AppClass, AppFee, AppSubscription, Package, QuantityDiscount, Service
from bspos.clients.tests.factories import ClientFactory


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Service {n}")
    price = Decimal("10.00")


class PackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Package

    name = factory.Sequence(lambda n: f"Package {n}")


class AppFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = App

    name = factory.Sequence(lambda n: f"App {n}")
    vendor = "Vendor"
    app_class = AppClass.LIGHT
    licence_price = Decimal("20.00")


class AppFeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppFee

    app_class = AppClass.LIGHT
    package = None
    fee_per_user = Decimal("5.00")


class QuantityDiscountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuantityDiscount

    min_apps = 3
    percent = Decimal("10.00")


class AppSubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppSubscription

    client = factory.SubFactory(ClientFactory)
    app = factory.SubFactory(AppFactory)
    users = 4
    start_date = date(2026, 1, 1)
