"""Invoices issued before invoices kept their details get them from the settings and client of the day the
migration runs (the best that can be known); drafts stay without them."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("money", "0001_initial")]
AFTER = [("money", "0002_invoice_document")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    # the clients the invoices name stay at their latest state (their columns exist in the table either way)
    targets = targets + [node for node in executor.loader.graph.leaf_nodes() if node[0] == "clients"]
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_schema_afterwards():
    # Going back to money 0001 also unapplies every later migration that depends on it (other apps' too): put the
    # whole schema back at its latest state, or the next transactional test on this worker meets missing columns.
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_afterwards")
def test_already_issued_invoices_are_filled_from_todays_settings_and_client():
    old = migrate(BEFORE)
    try:
        Client = old.get_model("clients", "Client")
        company = Client.objects.create(name="Acme Ltd", status="active", client_since=date(2024, 1, 1))
        old.get_model("clients", "Site").objects.create(client=company, name="HQ", address="5 Mill Lane",
                                                        city="Leeds")
        old.get_model("clients", "Contact").objects.create(client=company, first_name="Ada", last_name="Lovelace",
                                                           is_primary=True)
        old.get_model("money", "BillingSettings").objects.create(pk=1, company_name="Northwind IT", currency="GBP",
                                                                 payment_terms_days=14)
        Invoice = old.get_model("money", "Invoice")
        issued = Invoice.objects.create(client=company, status="issued", number=1, period_start=date(2026, 9, 1),
                                        period_end=date(2026, 9, 30), total=Decimal("10"))
        draft = Invoice.objects.create(client=company, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31))
    finally:
        new = migrate(AFTER)

    Invoice = new.get_model("money", "Invoice")
    filled = Invoice.objects.get(pk=issued.pk)
    assert (filled.seller_name, filled.currency, filled.payment_terms_days) == ("Northwind IT", "GBP", 14)
    assert (filled.bill_to_name, filled.bill_to_attention, filled.bill_to_address) == \
        ("Acme Ltd", "Ada Lovelace", "5 Mill Lane\nLeeds")
    assert Invoice.objects.get(pk=draft.pk).bill_to_name == ""
