"""Finance in the browser and over the API: invoices, billing run, PDF, CSV, reconciliation, margins, guard."""

import csv
import io
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bspos.agreements.models import Agreement
from bspos.api.services import create_token
from bspos.audit.models import AuditEvent
from bspos.demo.services import DemoSize, load_demo
from bspos.money.models import Invoice, InvoiceKind, InvoiceStatus
from bspos.people.models import Role, User

TODAY = date(2026, 11, 20)


@pytest.fixture
def demo(db):
    """Three months of a small MSP: September and October billed by the real run, October left in draft."""
    return load_demo(DemoSize(clients=5, months=3, seed=4, today=TODAY))


def signed_in(client, username: str):
    client.force_login(User.objects.get(username=username))
    return client


def finance_pages() -> list[str]:
    invoice = Invoice.objects.first()
    return [reverse("money:invoices"), reverse("money:invoice", args=[invoice.pk]),
            reverse("money:pdf", args=[invoice.pk]), reverse("money:csv"), reverse("money:margins"),
            f"{reverse('money:reconciliation')}?client={invoice.client_id}&month=2026-10"]


def test_the_demo_bills_its_closed_months_and_leaves_the_last_in_draft(demo):
    statuses = dict(Invoice.objects.values_list("period_start", "status").distinct())
    assert statuses == {date(2026, 9, 1): InvoiceStatus.ISSUED, date(2026, 10, 1): InvoiceStatus.DRAFT}
    numbers = sorted(Invoice.objects.filter(status=InvoiceStatus.ISSUED).values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))


def test_finance_and_owner_reach_every_money_page(client, demo):
    for username in ["finance", "owner"]:
        signed_in(client, username)
        for url in finance_pages():
            assert client.get(url).status_code == 200, (username, url)


@pytest.mark.parametrize("username", ["tech1", "manager", "vcio"])
def test_roles_without_finance_are_refused_money_pages_and_actions(client, demo, username):
    signed_in(client, username)
    for url in finance_pages():
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("money:run"), {"month": "2026-10"}).status_code == 403
    assert "Invoices" not in client.get(reverse("servicedesk:dashboard")).content.decode()


def test_a_client_contact_meets_404_on_every_money_page(client, demo):
    signed_in(client, User.objects.filter(role=Role.CLIENT_CONTACT).first().username)
    for url in finance_pages() + [reverse("agreements:list"), reverse("catalogue:index")]:
        assert client.get(url).status_code == 404, url


def test_run_button_is_idempotent_and_issue_and_credit_from_the_invoice_page(client, demo):
    signed_in(client, "finance")
    before = Invoice.objects.count()
    response = client.post(reverse("money:run"), {"month": "2026-10"}, follow=True)
    assert "nothing new to bill" in response.content.decode() and Invoice.objects.count() == before
    bad = client.post(reverse("money:run"), {"month": "Oct"}, follow=True)
    assert "YYYY-MM" in bad.content.decode() and Invoice.objects.count() == before

    draft = Invoice.objects.filter(status=InvoiceStatus.DRAFT).first()
    client.post(reverse("money:invoice-action", args=[draft.pk, "issue"]))
    draft.refresh_from_db()
    assert draft.status == InvoiceStatus.ISSUED and draft.number is not None

    refused = client.post(reverse("money:invoice-action", args=[draft.pk, "credit"]), {"reason": ""}, follow=True)
    assert "Say why" in refused.content.decode()
    client.post(reverse("money:invoice-action", args=[draft.pk, "credit"]), {"reason": "Wrong count"})
    note = Invoice.objects.get(credits=draft)
    assert note.kind == InvoiceKind.CREDIT_NOTE and note.total == -draft.total


def test_regenerate_rebuilds_a_draft_from_current_data(client, demo):
    signed_in(client, "finance")
    draft = Invoice.objects.filter(status=InvoiceStatus.DRAFT).first()
    response = client.post(reverse("money:invoice-action", args=[draft.pk, "regenerate"]), follow=True)
    fresh = Invoice.objects.get(client=draft.client, period_start=draft.period_start, kind=InvoiceKind.INVOICE)
    assert fresh.pk != draft.pk and fresh.total == draft.total and "regenerated" in response.content.decode()


def test_pdf_is_a_real_pdf_with_the_invoice_number(client, demo):
    signed_in(client, "finance")
    invoice = Invoice.objects.filter(status=InvoiceStatus.ISSUED).first()
    response = client.get(reverse("money:pdf", args=[invoice.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert invoice.display_number in response["Content-Disposition"]
    assert len(response.content) > 5000


def test_csv_export_has_one_row_per_line_and_adds_up_to_the_invoices(client, demo):
    signed_in(client, "finance")
    response = client.get(reverse("money:csv") + "?month=2026-09")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    invoices = Invoice.objects.filter(period_start=date(2026, 9, 1))
    assert {row["document"] for row in rows} == {i.display_number for i in invoices}
    assert sum(Decimal(row["amount"]) for row in rows) == sum(i.subtotal for i in invoices)


def test_invoice_list_query_count_does_not_grow_with_rows(client, demo):
    signed_in(client, "finance")

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert count(reverse("money:invoices") + "?month=2026-09") == count(reverse("money:invoices"))


def test_margins_page_states_the_rule_and_lists_clients(client, demo):
    signed_in(client, "owner")
    page = client.get(reverse("money:margins") + "?months=3").content.decode()
    assert "percentage points away from the average of its service tier" in page
    assert "<svg" in page and demo.clients > 0
    invoice = Invoice.objects.filter(period_start=date(2026, 10, 1)).first()
    one = client.get(reverse("money:margins") + f"?months=3&client={invoice.client_id}").content.decode()
    assert "month by month" in one and "October 2026" in one
    assert f"{invoice.subtotal:,.2f}" in one  # the client's October revenue is its October invoice


def test_agreement_list_shows_the_guard_to_price_setters_only_and_the_edit_form_saves_the_value(client, demo):
    agreement = Agreement.objects.filter(kind="per_user").first()
    signed_in(client, "tech1")
    assert "Floor" not in client.get(reverse("agreements:list")).content.decode()
    assert client.get(reverse("agreements:edit", args=[agreement.pk])).status_code == 403

    signed_in(client, "finance")
    assert "Floor" in client.get(reverse("agreements:list")).content.decode()
    form = client.get(reverse("agreements:edit", args=[agreement.pk]))
    assert "Pricing guard" in form.content.decode()
    data = {field: value for field, value in form.context["form"].initial.items() if value is not None}
    data.update(monthly_value="1", included_services=[s.pk for s in agreement.included_services.all()])
    data["start_date"] = agreement.start_date.isoformat()
    for name in ("end_date", "renewal_date"):
        data[name] = getattr(agreement, name).isoformat() if getattr(agreement, name) else ""
    response = client.post(reverse("agreements:edit", args=[agreement.pk]), data, follow=True)
    assert "above the ceiling" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.monthly_value == Decimal("1.00")
    audit = AuditEvent.objects.filter(object_id=agreement.pk, content_type__model="agreement").latest("at")
    assert "monthly_value" in audit.changes and audit.actor.username == "finance"
    flagged = client.get(reverse("agreements:list") + "?flag=above").content.decode()
    assert agreement.name in flagged


def test_catalogue_page_shows_packages_and_the_marketplace(client, demo):
    signed_in(client, "tech1")
    page = client.get(reverse("catalogue:index")).content.decode()
    assert "Platinum" in page and "Extra (billed on top)" in page and "Salesforce" in page


def api(client, method, path, user, payload=None):
    secret = create_token(user=User.objects.get(username=user), name="test", scope="write")[1]
    headers = {"Authorization": f"Bearer {secret}"}
    return getattr(client, method)(f"/api/v1{path}", payload, content_type="application/json", headers=headers)


def test_invoice_api_lists_reads_runs_issues_and_credits(client, demo):
    listed = api(client, "get", "/invoices?month=2026-10&status=draft", "finance")
    assert listed.status_code == 200 and listed.json()["count"] > 0
    invoice_id = listed.json()["items"][0]["id"]
    detail = api(client, "get", f"/invoices/{invoice_id}", "finance").json()
    assert detail["lines"] and Decimal(detail["subtotal"]) == sum(Decimal(line["amount"]) for line in detail["lines"])
    run = api(client, "post", "/billing-runs", "finance", {"month": "2026-10"})
    assert run.status_code == 201 and run.json()["created"] == 0 and run.json()["skipped"]
    assert api(client, "post", "/billing-runs", "finance", {"month": "10/2026"}).status_code == 422
    issued = api(client, "post", f"/invoices/{invoice_id}/issue", "finance")
    assert issued.status_code == 200 and issued.json()["number"].startswith("INV-")
    assert api(client, "post", f"/invoices/{invoice_id}/issue", "finance").status_code == 422
    credit = api(client, "post", f"/invoices/{invoice_id}/credit-notes", "finance", {"reason": "duplicate"})
    assert credit.status_code == 201 and credit.json()["number"].startswith("CN-")
    client_id = detail["client_id"]
    recon = api(client, "get", f"/reconciliation?client_id={client_id}&month=2026-10", "finance").json()
    buckets = recon["billed"] + recon["covered"] + recon["awaiting_approval"] + recon["unbilled"]
    assert buckets == recon["billable_minutes"]
    assert api(client, "get", "/margins?months=3", "finance").json()["clients"]
    assert api(client, "get", "/invoices", "tech1").status_code == 403
    assert api(client, "post", "/billing-runs", "manager", {"month": "2026-10"}).status_code == 403


def test_finance_sets_tool_costs_and_apps_per_client_and_bad_input_changes_nothing(client, demo):
    from bspos.catalogue.models import App, AppSubscription
    from bspos.clients.models import Client
    from bspos.money.models import ToolCost

    company = Client.objects.filter(status="active").first()
    signed_in(client, "finance")

    def url(action: str) -> str:
        return reverse("money:client-costs", args=[company.pk, action])

    before = ToolCost.objects.filter(client=company).count()
    bad = client.post(url("add-tool"), {"name": "EDR", "basis": "per_asset", "unit_cost": "-1",
                                        "start_date": "2026-01-01"}, follow=True)
    assert "greater than or equal to 0" in bad.content.decode()
    assert ToolCost.objects.filter(client=company).count() == before
    client.post(url("add-tool"), {"name": "EDR", "basis": "per_asset", "unit_cost": "4.00",
                                  "start_date": "2026-01-01"})
    added = ToolCost.objects.get(client=company, name="EDR")
    client.post(url("remove-tool"), {"id": added.pk})
    assert not ToolCost.objects.filter(pk=added.pk).exists()

    app = App.objects.first()
    client.post(url("add-app"), {"app": app.pk, "users": "7", "start_date": "2026-11-01"})
    subscription = AppSubscription.objects.get(client=company, app=app, users=7)
    client.post(url("end-app"), {"id": subscription.pk})
    subscription.refresh_from_db()
    assert subscription.end_date is not None
    signed_in(client, "tech1")
    assert client.post(url("add-tool"), {"name": "x"}).status_code == 403


def test_finance_changes_the_tax_rate_for_invoices_generated_afterwards(client, demo):
    from bspos.money.models import BillingSettings

    signed_in(client, "finance")
    refused = client.post(reverse("money:settings"), {"company_name": "X", "tax_rate": "120", "currency": "US",
                                                      "payment_terms_days": "30"})
    assert refused.status_code == 200 and BillingSettings.current().tax_rate == Decimal("8.00")
    client.post(reverse("money:settings"), {"company_name": "Northwind", "tax_rate": "10", "currency": "eur",
                                            "payment_terms_days": "14"})
    saved = BillingSettings.current()
    assert (saved.tax_rate, saved.currency, saved.payment_terms_days) == (Decimal("10.00"), "EUR", 14)
    draft = Invoice.objects.filter(status=InvoiceStatus.DRAFT).first()
    client.post(reverse("money:invoice-action", args=[draft.pk, "regenerate"]))
    fresh = Invoice.objects.get(client=draft.client, period_start=draft.period_start, kind=InvoiceKind.INVOICE)
    assert fresh.tax_rate == Decimal("10.00")
    assert fresh.tax == (fresh.subtotal / 10).quantize(Decimal("0.01"), ROUND_HALF_UP)
