"""One InvoiceFilter for the invoice list, its CSV and GET /api/v1/invoices: good values narrow all three alike;
bad ones are an ignored filter with a message on the page and the CSV, and a 422 naming them in the API."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from bspos.agreements.models import AgreementKind
from bspos.agreements.tests.factories import AgreementFactory
from bspos.clients.tests.factories import ClientFactory
from bspos.money.models import Invoice
from bspos.money.services import issue_invoices, run_billing
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BAD = "?q=a%00b&client=99999999999999999999999&month=2026-13&status=paid&kind=x"


@pytest.fixture
def invoices(client):
    for name in ("Acme Ltd", "Beta Ltd"):
        AgreementFactory(client=ClientFactory(name=name), kind=AgreementKind.FLAT, unit_price=Decimal("100"),
                         sla_plan=None)
    run_billing(date(2026, 10, 1))
    run_billing(date(2026, 11, 1))
    issue_invoices(Invoice.objects.filter(period_start=date(2026, 10, 1)), today=date(2026, 11, 2))
    client.force_login(UserFactory(username="finance", role=Role.FINANCE))
    return Invoice.objects.select_related("client")


def listed(client, query: str) -> str:
    response = client.get(reverse("money:invoices") + query)
    assert response.status_code == 200
    return response.content.decode()


def exported(client, query: str) -> list[dict]:
    response = client.get(reverse("money:csv") + query)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def api(client, query: str):
    return client.get("/api/v1/invoices" + query)


def test_the_same_filters_narrow_the_page_the_csv_and_the_api(client, invoices):
    acme = invoices.get(client__name="Acme Ltd", period_start=date(2026, 11, 1))
    for query in (f"?month=2026-11&client={acme.client_id}", "?q=acme&status=draft", "?q=ACME&month=2026-11"):
        assert [row["client"] for row in exported(client, query)] == ["Acme Ltd"], query
        assert [item["id"] for item in api(client, query).json()["items"]] == [acme.pk], query
        page = listed(client, query)
        assert "<td>Acme Ltd</td>" in page and "<td>Beta Ltd</td>" not in page, query
    assert api(client, "?status=issued&kind=invoice").json()["count"] == 2
    assert len(exported(client, "?month=2026-10")) == 2


def test_bad_filter_values_are_ignored_with_a_message_on_the_page_and_the_csv(client, invoices):
    page = listed(client, BAD)
    assert "Some filters were ignored" in page
    assert page.count("<td>Acme Ltd</td>") == 2 and page.count("<td>Beta Ltd</td>") == 2  # nothing filtered
    assert len(exported(client, BAD)) == invoices.count()


def test_bad_filter_values_are_a_422_naming_each_in_the_api(client, invoices):
    response = api(client, BAD)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"q", "client", "month", "status", "kind"}


def test_the_openapi_document_lists_the_invoice_filters(client, invoices):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/invoices"]["get"]
    assert {"q", "month", "status", "kind", "client"} <= {p["name"] for p in operation["parameters"]}
