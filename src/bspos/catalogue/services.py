"""Every write of the catalogue: services, packages and their lines, apps, app fees, quantity discounts and
client app subscriptions. Each validates the row (its model's rules and constraints, with clear messages),
writes in a transaction and records the audit entry; the back office and money's client-apps page call them."""

from datetime import date
from typing import TypeVar

from django.db import models, transaction

from bspos.audit.services import delete_audited, record, snapshot
from bspos.catalogue.models import App, AppFee, AppSubscription, Package, PackageService, QuantityDiscount, Service
from bspos.clients.models import Client
from bspos.people.models import User

Row = TypeVar("Row", bound=models.Model)


def _save(by: User | None, row: Row, changes: dict) -> Row:
    """Apply `changes` to `row` (new or not), validate, save and audit against the stored row."""
    with transaction.atomic():
        stored = type(row).objects.filter(pk=row.pk).first() if row.pk else None
        before = snapshot(stored) if stored is not None else None
        for name, value in changes.items():
            setattr(row, name, value)
        row.full_clean()
        row.save()
        row.refresh_from_db()  # stored values (amounts to the cent) for the audit and the caller
        record(by, row, before)
    return row


def _delete(by: User | None, row: models.Model) -> None:
    """Delete and audit; a row still in use (an app with subscriptions, a service on a package) is refused by
    the database's PROTECT and nothing changes."""
    with transaction.atomic():
        delete_audited(row, by)


def save_service(*, by: User | None, service: Service, **changes) -> Service:
    return _save(by, service, changes)


def delete_service(*, by: User | None, service: Service) -> None:
    _delete(by, service)


def save_package(*, by: User | None, package: Package, **changes) -> Package:
    return _save(by, package, changes)


def delete_package(*, by: User | None, package: Package) -> None:
    _delete(by, package)


def save_package_line(*, by: User | None, line: PackageService, **changes) -> PackageService:
    """A service included in a package or sold as its extra; a service is on a package at most once."""
    return _save(by, line, changes)


def delete_package_line(*, by: User | None, line: PackageService) -> None:
    _delete(by, line)


def save_app(*, by: User | None, app: App, **changes) -> App:
    return _save(by, app, changes)


def delete_app(*, by: User | None, app: App) -> None:
    _delete(by, app)


def save_app_fee(*, by: User | None, fee: AppFee, **changes) -> AppFee:
    """The fee per user of an app class in a package (or without one): one fee per class and package."""
    return _save(by, fee, changes)


def delete_app_fee(*, by: User | None, fee: AppFee) -> None:
    _delete(by, fee)


def save_discount(*, by: User | None, discount: QuantityDiscount, **changes) -> QuantityDiscount:
    return _save(by, discount, changes)


def delete_discount(*, by: User | None, discount: QuantityDiscount) -> None:
    _delete(by, discount)


def subscribe(*, by: User | None, client: Client, app: App, users: int, start_date: date,
              end_date: date | None = None) -> AppSubscription:
    """A client starts using a marketplace app, managed for `users` users (end never before start)."""
    return _save(by, AppSubscription(client=client), {"app": app, "users": users, "start_date": start_date,
                                                      "end_date": end_date})


def save_subscription(*, by: User | None, subscription: AppSubscription, **changes) -> AppSubscription:
    return _save(by, subscription, changes)


def end_subscription(*, by: User | None, subscription: AppSubscription, on: date) -> AppSubscription:
    """The subscription's last day is `on`, or its first day if it has not started by then."""
    return _save(by, subscription, {"end_date": max(on, subscription.start_date)})


def delete_subscription(*, by: User | None, subscription: AppSubscription) -> None:
    _delete(by, subscription)
