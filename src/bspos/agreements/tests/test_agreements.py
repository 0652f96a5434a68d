"""Agreement rules and their one write path: the services validate (end never before start, a block of hours has
hours, a term of 1 to 600 months), write and audit; the API and the back office only translate to them."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bspos.agreements.models import Agreement, AgreementKind
from bspos.agreements.services import create_agreement, delete_agreement, update_agreement
from bspos.agreements.tests.factories import AgreementFactory
from bspos.audit.models import AuditEvent
from bspos.catalogue.tests.factories import ServiceFactory
from bspos.clients.tests.factories import ClientFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def events(agreement_id: int) -> list[tuple[str, dict]]:
    return [(e.action, e.changes) for e in AuditEvent.objects.filter(content_type__model="agreement",
                                                                      object_id=agreement_id).order_by("pk")]


def test_create_change_and_delete_each_leave_one_audit_entry_by_the_person():
    manager = UserFactory(role=Role.SERVICE_MANAGER)
    backup = ServiceFactory(name="Backup")
    agreement = create_agreement(by=manager, client=ClientFactory(), name="Managed", kind=AgreementKind.FLAT,
                                 unit_price=Decimal("900"), start_date=date(2026, 1, 1), included_services=[backup])
    assert list(agreement.included_services.all()) == [backup]
    update_agreement(by=manager, agreement=agreement, unit_price=Decimal("950"))
    update_agreement(by=manager, agreement=agreement, unit_price=Decimal("950"))  # no change, no entry
    pk = agreement.pk
    delete_agreement(by=manager, agreement=agreement)

    actions = events(pk)
    assert [action for action, _ in actions] == [AuditEvent.Action.CREATED, AuditEvent.Action.CHANGED,
                                                 AuditEvent.Action.DELETED]
    assert actions[1][1] == {"unit_price": ["900.00", "950.00"]}
    assert not Agreement.objects.filter(pk=pk).exists()
    assert set(AuditEvent.objects.filter(object_id=pk).values_list("actor", flat=True)) == {manager.pk}


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"end_date": date(2025, 12, 31)}, "end_date", "cannot be before the start date"),
    ({"kind": AgreementKind.BLOCK_HOURS, "block_hours": None}, "block_hours", "needs the number of hours"),
    ({"term_months": 0}, "term_months", "1 to 600 months"),
    ({"term_months": 601}, "term_months", "1 to 600 months"),
])
def test_a_broken_rule_is_refused_with_a_clear_message_and_changes_nothing(changes, field, message):
    agreement = AgreementFactory(start_date=date(2026, 1, 1), sla_plan=None)
    with pytest.raises(ValidationError) as refused:
        update_agreement(by=None, agreement=agreement, **changes)
    assert message in " ".join(refused.value.message_dict[field])
    agreement.refresh_from_db()
    assert (agreement.kind, agreement.end_date, agreement.term_months) == (AgreementKind.PER_USER, None, 12)
    assert events(agreement.pk) == []


def test_a_block_agreement_with_hours_is_accepted():
    agreement = create_agreement(by=None, client=ClientFactory(), name="Block", kind=AgreementKind.BLOCK_HOURS,
                                 unit_price=Decimal("1000"), block_hours=Decimal("10"), start_date=date(2026, 1, 1),
                                 end_date=date(2026, 1, 1))
    assert agreement.pk and agreement.end_date == agreement.start_date  # ending on the day it starts is allowed


@pytest.fixture
def manager(client):
    user = UserFactory(username="manager", role=Role.SERVICE_MANAGER)
    client.force_login(user)
    return user


def test_the_api_writes_through_the_services(client, manager):
    company = ClientFactory()
    refused = client.post("/api/v1/agreements", {"client_id": company.pk, "name": "X", "kind": "flat",
                                                 "start_date": "2026-02-01", "end_date": "2026-01-01"},
                          content_type="application/json")
    assert refused.status_code == 422 and "end_date" in refused.json()["errors"]
    assert not Agreement.objects.exists() and not AuditEvent.objects.exists()

    created = client.post("/api/v1/agreements", {"client_id": company.pk, "name": "X", "kind": "flat",
                                                 "unit_price": "10", "start_date": "2026-01-01"},
                          content_type="application/json")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert client.patch(f"/api/v1/agreements/{pk}", {"term_months": 700},
                        content_type="application/json").status_code == 422
    assert client.patch(f"/api/v1/agreements/{pk}", {"unit_price": "12"},
                        content_type="application/json").json()["unit_price"] == "12.00"
    assert client.delete(f"/api/v1/agreements/{pk}").status_code == 204
    assert [action for action, _ in events(pk)] == [AuditEvent.Action.CREATED, AuditEvent.Action.CHANGED,
                                                    AuditEvent.Action.DELETED]
    assert set(AuditEvent.objects.values_list("actor", flat=True)) == {manager.pk}


def test_the_api_list_uses_the_agreement_filter(client, manager):
    current = AgreementFactory(start_date=date(2024, 1, 1), sla_plan=None)
    ended = AgreementFactory(start_date=date(2020, 1, 1), end_date=date(2021, 1, 1), sla_plan=None,
                             kind=AgreementKind.FLAT)

    def ids(query: str) -> list[int]:
        response = client.get("/api/v1/agreements" + query)
        assert response.status_code == 200, response.content
        return sorted(item["id"] for item in response.json()["items"])

    assert ids("") == [current.pk]  # in force today unless asked otherwise
    assert ids("?active=0") == sorted([current.pk, ended.pk])
    assert ids("?active_on=2020-06-01") == [ended.pk]
    assert ids(f"?active=0&client={ended.client_id}") == [ended.pk]
    assert ids("?active=0&kind=flat") == [ended.pk]
    assert ids(f"?q={current.client.name}") == [current.pk]
    bad = client.get("/api/v1/agreements?client=99999999999999999999999&kind=weekly&q=a%00")
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"client", "kind", "q"}


def test_the_back_office_saves_and_deletes_through_the_services(client):
    owner = UserFactory(username="boss", role=Role.OWNER, is_staff=True, is_superuser=True)
    client.force_login(owner)
    company = ClientFactory()
    form = {"client": company.pk, "name": "Back office", "kind": "flat", "unit_price": "10", "quantity": "1",
            "hourly_rate": "0", "start_date": "2026-01-01", "term_months": "12"}
    refused = client.post(reverse("admin:agreements_agreement_add"), {**form, "end_date": "2025-01-01"})
    assert refused.status_code == 200 and "cannot be before the start date" in refused.content.decode()
    assert not Agreement.objects.exists()

    assert client.post(reverse("admin:agreements_agreement_add"), form).status_code == 302
    agreement = Agreement.objects.get()
    client.post(reverse("admin:agreements_agreement_change", args=[agreement.pk]), {**form, "unit_price": "20"})
    client.post(reverse("admin:agreements_agreement_delete", args=[agreement.pk]), {"post": "yes"})
    assert [action for action, _ in events(agreement.pk)] == [AuditEvent.Action.CREATED, AuditEvent.Action.CHANGED,
                                                              AuditEvent.Action.DELETED]
    assert set(AuditEvent.objects.values_list("actor", flat=True)) == {owner.pk}
