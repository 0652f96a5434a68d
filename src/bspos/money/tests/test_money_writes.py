"""Money's own writes (billing settings, tool costs) go through its services from the pages and the back office:
validated, audited, and junk input is a message, never an error page."""

import pytest
from django.urls import reverse

from bspos.audit.models import AuditEvent
from bspos.clients.tests.factories import ClientFactory
from bspos.money.models import BillingSettings, ToolCost
from bspos.money.tests.factories import BillingSettingsFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SETTINGS = {"company_name": "Northwind IT", "company_address": "", "tax_id": "GB1", "tax_rate": "20",
            "currency": "gbp", "payment_terms_days": "30"}


def actions(model: str) -> list[str]:
    return list(AuditEvent.objects.filter(content_type__model=model).order_by("pk").values_list("action", flat=True))


def test_settings_saved_on_the_page_are_audited_and_bad_ones_change_nothing(client):
    BillingSettingsFactory()
    finance = UserFactory(username="finance", role=Role.FINANCE)
    client.force_login(finance)
    refused = client.post(reverse("money:settings"), {**SETTINGS, "currency": "US1"})
    assert refused.status_code == 200 and "three-letter" in refused.content.decode()
    assert client.post(reverse("money:settings"), {**SETTINGS, "company_name": "Renamed"}).status_code == 302
    assert BillingSettings.current().company_name == "Renamed"
    event = AuditEvent.objects.get()
    assert event.actor == finance and event.changes["company_name"] == ["Northwind IT", "Renamed"]


def test_tool_costs_on_the_margin_page_are_audited_and_a_junk_id_removes_nothing(client):
    company = ClientFactory()
    client.force_login(UserFactory(username="finance", role=Role.FINANCE))
    client.post(reverse("money:client-costs", args=[company.pk, "add-tool"]),
                {"name": "EDR", "basis": "flat", "unit_cost": "4", "start_date": "2026-01-01"})
    cost = ToolCost.objects.get()
    junk = client.post(reverse("money:client-costs", args=[company.pk, "remove-tool"]), {"id": "9" * 30}, follow=True)
    assert junk.status_code == 200 and "no such tool cost" in junk.content.decode()
    client.post(reverse("money:client-costs", args=[company.pk, "remove-tool"]), {"id": cost.pk})
    assert not ToolCost.objects.exists() and actions("toolcost") == ["created", "deleted"]


def test_the_back_office_writes_settings_and_tool_costs_through_the_services(client):
    BillingSettingsFactory()
    owner = UserFactory(username="boss", role=Role.OWNER, is_staff=True, is_superuser=True)
    client.force_login(owner)
    assert client.post(reverse("admin:money_billingsettings_change", args=[1]),
                       {**SETTINGS, "tax_rate": "5"}).status_code == 302
    company = ClientFactory()
    form = {"client": company.pk, "name": "EDR", "basis": "flat", "unit_cost": "4", "start_date": "2026-01-01"}
    refused = client.post(reverse("admin:money_toolcost_add"), {**form, "end_date": "2025-01-01"})
    assert refused.status_code == 200 and not ToolCost.objects.exists()
    assert client.post(reverse("admin:money_toolcost_add"), form).status_code == 302
    cost = ToolCost.objects.get()
    client.post(reverse("admin:money_toolcost_change", args=[cost.pk]), {**form, "unit_cost": "6"})
    client.post(reverse("admin:money_toolcost_delete", args=[cost.pk]), {"post": "yes"})
    assert actions("billingsettings") == ["changed"] and actions("toolcost") == ["created", "changed", "deleted"]
    assert set(AuditEvent.objects.values_list("actor", flat=True)) == {owner.pk}
