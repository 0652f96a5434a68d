"""Catalogue rules and their one write path (catalogue.services, audited), called by the back office and by
money's client-apps page; who sees a client's app subscriptions; when a subscription is in force."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from bspos.audit.models import AuditEvent
from bspos.catalogue import services
from bspos.catalogue.models import AppClass, AppFee, AppSubscription, PackageService, Service
from bspos.catalogue.tests.factories import (
    AppFactory,
    AppFeeFactory,
    AppSubscriptionFactory,
    PackageFactory,
    ServiceFactory,
)
from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def actions(model: str) -> list[str]:
    return list(AuditEvent.objects.filter(content_type__model=model).order_by("pk").values_list("action", flat=True))


def test_every_catalogue_write_is_audited_with_the_person():
    manager = UserFactory(role=Role.SERVICE_MANAGER)
    service = services.save_service(by=manager, service=Service(), name="Backup", price=Decimal("4.5"))
    services.save_service(by=manager, service=service, price=Decimal("5"))
    package = services.save_package(by=manager, package=PackageFactory.build(), name="Gold")
    line = services.save_package_line(by=manager, line=PackageService(package=package, service=service))
    services.delete_package_line(by=manager, line=line)
    app = services.save_app(by=manager, app=AppFactory.build())
    fee = services.save_app_fee(by=manager, fee=AppFeeFactory.build(package=package))
    subscription = services.subscribe(by=manager, client=ClientFactory(), app=app, users=3,
                                      start_date=date(2026, 1, 1))
    services.end_subscription(by=manager, subscription=subscription, on=date(2026, 6, 30))
    services.delete_app_fee(by=manager, fee=fee)

    assert actions("service") == ["created", "changed"]
    assert actions("packageservice") == ["created", "deleted"]
    assert actions("appfee") == ["created", "deleted"]
    assert actions("appsubscription") == ["created", "changed"]
    assert AuditEvent.objects.filter(content_type__model="service", action="changed").get().changes == \
        {"price": ["4.50", "5.00"]}
    assert set(AuditEvent.objects.values_list("actor", flat=True)) == {manager.pk}


def test_one_fee_per_app_class_and_package_and_one_without_a_package():
    gold = PackageFactory(name="Gold")
    AppFeeFactory(app_class=AppClass.PRO, package=gold)
    AppFeeFactory(app_class=AppClass.PRO, package=None)
    for package in (gold, None):
        with pytest.raises(ValidationError):
            services.save_app_fee(by=None, fee=AppFee(app_class=AppClass.PRO, package=package,
                                                      fee_per_user=Decimal("1")))
    with pytest.raises(ValidationError) as negative:
        services.save_app_fee(by=None, fee=AppFee(app_class=AppClass.LIGHT, fee_per_user=Decimal("-1")))
    assert "fee_per_user" in negative.value.message_dict
    assert AppFee.objects.count() == 2 and not AuditEvent.objects.exists()


def test_a_service_is_on_a_package_once_and_a_used_app_cannot_be_deleted():
    line = PackageService.objects.create(package=PackageFactory(), service=ServiceFactory())
    with pytest.raises(ValidationError):
        services.save_package_line(by=None, line=PackageService(package=line.package, service=line.service))
    subscription = AppSubscriptionFactory()
    with pytest.raises(ProtectedError):
        services.delete_app(by=None, app=subscription.app)
    assert subscription.app.__class__.objects.filter(pk=subscription.app_id).exists()
    assert not AuditEvent.objects.exists()


def test_a_subscription_ends_on_or_after_its_start_and_has_users():
    with pytest.raises(ValidationError) as refused:
        services.subscribe(by=None, client=ClientFactory(), app=AppFactory(), users=0, start_date=date(2026, 5, 1),
                           end_date=date(2026, 4, 30))
    assert "cannot be before the start date" in " ".join(refused.value.message_dict["end_date"])
    assert "users" in refused.value.message_dict
    subscription = AppSubscriptionFactory(start_date=date(2026, 5, 10))
    services.end_subscription(by=None, subscription=subscription, on=date(2026, 5, 1))  # not started yet
    assert subscription.end_date == date(2026, 5, 10)
    assert not AppSubscription.objects.filter(users=0).exists()


class SubscriptionInForce(TestCase):
    @settings(max_examples=60, deadline=None)  # each example writes rows: no per-example deadline under load
    @given(start=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
           length=st.one_of(st.none(), st.integers(0, 400)),
           month=st.dates(min_value=date(2024, 6, 1), max_value=date(2028, 12, 31)).map(lambda d: d.replace(day=1)))
    def test_in_force_during_a_month_means_some_day_of_it(self, start, length, month):
        end = None if length is None else start + timedelta(days=length)
        subscription = AppSubscriptionFactory(start_date=start, end_date=end)
        last = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        expected = start <= last and (end is None or end >= month)
        assert AppSubscription.objects.in_force_during(month, last).filter(pk=subscription.pk).exists() == expected
        assert AppSubscription.objects.in_force(start).filter(pk=subscription.pk).exists()


def test_staff_see_every_clients_subscriptions_a_contact_only_their_own():
    mine, theirs = AppSubscriptionFactory(), AppSubscriptionFactory()
    contact = ContactFactory(client=mine.client, user=UserFactory(role=Role.CLIENT_CONTACT))
    assert set(AppSubscription.objects.visible_to(contact.user)) == {mine}
    assert set(AppSubscription.objects.visible_to(UserFactory(role=Role.TECHNICIAN))) == {mine, theirs}
    assert not AppSubscription.objects.visible_to(UserFactory(role="nobody")).exists()


def test_the_back_office_writes_through_the_services(client):
    owner = UserFactory(username="boss", role=Role.OWNER, is_staff=True, is_superuser=True)
    client.force_login(owner)
    form = {"name": "Backup", "unit": "flat", "price": "4", "area": "", "description": "", "is_active": "on"}
    assert client.post(reverse("admin:catalogue_service_add"), form).status_code == 302
    service = Service.objects.get()
    client.post(reverse("admin:catalogue_service_change", args=[service.pk]), {**form, "price": "6"})
    client.post(reverse("admin:catalogue_service_delete", args=[service.pk]), {"post": "yes"})
    assert actions("service") == ["created", "changed", "deleted"]
    assert set(AuditEvent.objects.values_list("actor", flat=True)) == {owner.pk}


def test_finance_adds_and_ends_a_clients_app_on_the_margin_page_audited(client):
    company, app = ClientFactory(), AppFactory()
    client.force_login(UserFactory(username="finance", role=Role.FINANCE))
    url = reverse("money:client-costs", args=[company.pk, "add-app"])
    bad = client.post(url, {"app": app.pk, "users": "2", "start_date": "2026-05-02", "end_date": "2026-05-01"},
                      follow=True)
    assert "cannot be before the start date" in bad.content.decode() and not AppSubscription.objects.exists()
    client.post(url, {"app": app.pk, "users": "2", "start_date": "2026-05-01"})
    subscription = AppSubscription.objects.get()
    junk = client.post(reverse("money:client-costs", args=[company.pk, "end-app"]), {"id": "9" * 30}, follow=True)
    assert junk.status_code == 200 and "No open subscription" in junk.content.decode()
    client.post(reverse("money:client-costs", args=[company.pk, "end-app"]), {"id": subscription.pk})
    subscription.refresh_from_db()
    assert subscription.end_date is not None
    assert actions("appsubscription") == ["created", "changed"]
