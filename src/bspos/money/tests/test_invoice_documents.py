"""An issued invoice is a document: changing the billing settings or the client afterwards changes nothing on its
page, its PDF or the invoice CSV; a draft shows today's details."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from bspos.agreements.models import AgreementKind
from bspos.agreements.tests.factories import AgreementFactory
from bspos.clients.models import Client, Contact, Site
from bspos.clients.tests.factories import ClientFactory, ContactFactory, SiteFactory
from bspos.money.models import Invoice
from bspos.money.services import credit_invoice, issue_invoices, run_billing, update_billing_settings
from bspos.money.tests.factories import BillingSettingsFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NOVEMBER = date(2026, 11, 1)
OLD = ["Northwind IT", "1 Harbour Street", "GB123456789", "GBP", "Acme Ltd", "Ada Lovelace", "5 Mill Lane",
       "Leeds", "30 days"]
NEW = ["Renamed MSP", "9 New Road", "GB000000000", "EUR", "Acme Renamed", "Grace Hopper", "7 Other Street"]


def billed(name: str) -> Client:
    company = ClientFactory(name=name)
    AgreementFactory(client=company, kind=AgreementKind.FLAT, unit_price=Decimal("500.00"), sla_plan=None)
    return company


@pytest.fixture
def issued(client):
    BillingSettingsFactory()
    company = billed("Acme Ltd")
    SiteFactory(client=company, address="5 Mill Lane", city="Leeds")
    ContactFactory(client=company, first_name="Ada", last_name="Lovelace", is_primary=True)
    run_billing(NOVEMBER)
    issue_invoices(Invoice.objects.filter(client=company), today=date(2026, 12, 1))
    client.force_login(UserFactory(username="finance", role=Role.FINANCE))
    return Invoice.objects.get(client=company)


def change_everything(company: Client) -> None:
    update_billing_settings(by=None, company_name="Renamed MSP", company_address="9 New Road", tax_id="GB000000000",
                            tax_rate=Decimal("5.00"), currency="EUR", payment_terms_days=7)
    Client.objects.filter(pk=company.pk).update(name="Acme Renamed")
    Site.objects.filter(client=company).update(address="7 Other Street", city="York")
    Contact.objects.filter(client=company).update(first_name="Grace", last_name="Hopper")


def pdf_text(client, invoice: Invoice) -> str:
    response = client.get(reverse("money:pdf", args=[invoice.pk]))
    assert response.status_code == 200
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def csv_rows(client, query: str = "") -> list[dict]:
    response = client.get(reverse("money:csv") + query)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_issuing_copies_the_seller_the_client_and_the_terms_onto_the_invoice(issued):
    assert (issued.seller_name, issued.seller_tax_id, issued.currency, issued.payment_terms_days) == \
        ("Northwind IT", "GB123456789", "GBP", 30)
    assert (issued.bill_to_name, issued.bill_to_attention, issued.bill_to_address) == \
        ("Acme Ltd", "Ada Lovelace", "5 Mill Lane\nLeeds")
    assert issued.tax_rate == Decimal("20.00") and issued.due_on == date(2026, 12, 31)


def test_changing_settings_and_client_afterwards_leaves_the_issued_page_pdf_and_csv_unchanged(client, issued):
    change_everything(issued.client)

    page = client.get(reverse("money:invoice", args=[issued.pk])).content.decode()
    text = pdf_text(client, issued)
    for old in OLD:
        assert old in page, old
        assert old in text, old
    for new in NEW:
        assert new not in page, new
        assert new not in text, new
    assert "Tax 20.00%" in page and "600.00" in page  # 500 + 20 % tax, as issued

    [row] = csv_rows(client, "?month=2026-11")
    assert (row["client"], row["currency"], row["tax_rate"], row["invoice_total"]) == \
        ("Acme Ltd", "GBP", "20.00", "600.00")


def test_a_draft_shows_todays_settings_and_client(client, issued):
    other = billed("Beta Ltd")
    SiteFactory(client=other, address="2 Old Lane")
    ContactFactory(client=other, is_primary=True)
    run_billing(NOVEMBER)
    draft = Invoice.objects.get(client=other)
    change_everything(other)

    page = client.get(reverse("money:invoice", args=[draft.pk])).content.decode()
    for new in NEW:  # the client's new name, contact and address too
        assert new in page, new
    assert "Northwind IT" not in page and "Beta Ltd" not in page
    assert "Renamed MSP" in pdf_text(client, draft)
    [row] = csv_rows(client, "?status=draft")
    assert (row["document"], row["client"], row["currency"]) == ("Draft", "Acme Renamed", "EUR")


def test_a_credit_note_is_issued_with_todays_details_in_the_original_currency(client, issued):
    change_everything(issued.client)
    note = credit_invoice(issued, reason="Wrong price", today=date(2026, 12, 5))

    assert (note.seller_name, note.bill_to_name, note.currency) == ("Renamed MSP", "Acme Renamed", "GBP")
    text = pdf_text(client, note)
    assert "Renamed MSP" in text and "GBP" in text and "EUR" not in text
    page = client.get(reverse("money:invoice", args=[issued.pk])).content.decode()
    assert "Northwind IT" in page  # the credited invoice still reads as it was sent


def test_a_formula_in_a_client_name_reaches_the_invoice_csv_as_text(client, issued):
    formula = '=HYPERLINK("http://x","y")'
    Client.objects.filter(pk=issued.client_id).update(name=formula)
    billed(f"+{formula}")
    run_billing(NOVEMBER)
    Invoice.objects.filter(pk=issued.pk).update(bill_to_name=formula)  # as if issued under that name

    names = {row["client"] for row in csv_rows(client)}
    assert names == {f"'{formula}", f"'+{formula}"}
