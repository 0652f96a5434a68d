import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from bspos.agreements.models import Agreement, AgreementKind
from bspos.catalogue.models import App, AppClass, AppFee, AppSubscription, Package, QuantityDiscount, VendorKind
from bspos.core.dates import parse_month
from bspos.money.models import BillingRun, BillingSettings, Commission, Invoice, InvoiceKind, InvoiceStatus, LineKind
from bspos.money.services import credit_invoice, issue_invoices, reconcile, run_billing
from bspos.money.tests.builders import OCTOBER, client_with, log, ticket
from bspos.servicedesk.models import TimeEntry

pytestmark = pytest.mark.django_db


def invoice_of(agreement: Agreement) -> Invoice:
    return Invoice.objects.get(client=agreement.client, kind=InvoiceKind.INVOICE,
                               status__in=[InvoiceStatus.DRAFT, InvoiceStatus.ISSUED])


def test_per_user_agreement_bills_billable_users_covers_in_scope_time_and_bills_out_of_scope_time():
    BillingSettings.objects.update_or_create(pk=1, defaults={"tax_rate": Decimal("10.00")})
    agreement = client_with(AgreementKind.PER_USER, users=3, unit_price="100.00")
    log(ticket(agreement), 45)
    log(ticket(agreement, in_scope=False), 90, bill_rate="120.00")
    log(ticket(agreement), 30, billable=False)

    result = run_billing(OCTOBER)

    assert result.created == 1 and not result.problems
    invoice = invoice_of(agreement)
    lines = {line.kind: line for line in invoice.lines.all()}
    assert lines[LineKind.RECURRING].quantity == 3  # the non-billable contact is not counted
    assert lines[LineKind.RECURRING].amount == Decimal("300.00")
    assert lines[LineKind.TIME].amount == Decimal("180.00") and lines[LineKind.TIME].minutes == 90
    assert (invoice.subtotal, invoice.tax, invoice.total) == (Decimal("480.00"), Decimal("48.00"), Decimal("528.00"))
    assert invoice.status == InvoiceStatus.DRAFT and invoice.number is None


def test_a_second_run_bills_nothing_twice_and_says_so():
    agreement = client_with()
    log(ticket(agreement, in_scope=False), 60)
    run_billing(OCTOBER)

    again = run_billing(OCTOBER)

    assert again.created == 0 and again.skipped == [agreement.client.name]
    assert "nothing new to bill" in again.summary()
    assert Invoice.objects.count() == 1 and BillingRun.objects.count() == 2


def test_regenerating_a_draft_picks_up_new_time_but_an_issued_invoice_never_changes():
    agreement = client_with()
    log(ticket(agreement, in_scope=False), 60)
    run_billing(OCTOBER)
    log(ticket(agreement, in_scope=False), 30)

    assert run_billing(OCTOBER, regenerate=True).regenerated == 1
    draft = invoice_of(agreement)
    assert draft.subtotal == Decimal("300.00") + Decimal("180.00")

    issue_invoices(Invoice.objects.filter(pk=draft.pk))
    log(ticket(agreement, in_scope=False), 30)
    result = run_billing(OCTOBER, regenerate=True)

    issued = invoice_of(agreement)
    assert result.regenerated == 0 and result.skipped == [agreement.client.name]
    assert issued.pk == draft.pk and issued.subtotal == draft.subtotal and issued.status == InvoiceStatus.ISSUED


def test_proration_when_an_agreement_starts_mid_month():
    agreement = client_with(AgreementKind.FLAT, unit_price="3100.00", start=date(2026, 10, 17))

    run_billing(OCTOBER)

    line = invoice_of(agreement).lines.get(kind=LineKind.RECURRING)
    assert line.amount == Decimal("1500.00")  # 15 of 31 days
    assert "prorated 15/31 days" in line.description


def test_proration_when_an_agreement_ends_mid_month_and_per_device_counts_active_assets():
    agreement = client_with(AgreementKind.PER_DEVICE, devices=4, unit_price="30.00", end=date(2026, 10, 10))

    run_billing(OCTOBER)

    line = invoice_of(agreement).lines.get(kind=LineKind.RECURRING)
    assert line.quantity == 4 and line.amount == Decimal("38.71")  # 4 × 30 × 10/31 = 38.709…


def test_block_hours_cover_time_up_to_the_block_and_bill_the_overage():
    agreement = client_with(AgreementKind.BLOCK_HOURS, unit_price="1000.00", block_hours="10", hourly_rate="150.00")
    log(ticket(agreement), 480, day=3)
    log(ticket(agreement), 240, day=4)  # 120 minutes of this one are beyond the block

    run_billing(OCTOBER)

    invoice = invoice_of(agreement)
    overage = invoice.lines.get(kind=LineKind.OVERAGE)
    assert overage.minutes == 120 and overage.amount == Decimal("300.00")
    recon = reconcile(agreement.client, OCTOBER)
    assert (recon.covered, recon.billed, recon.unbilled) == (600, 120, 0)


def test_time_and_materials_bills_every_billable_minute_at_the_agreement_rate():
    agreement = client_with(AgreementKind.TIME_AND_MATERIALS, unit_price="0", hourly_rate="150.00")
    log(ticket(agreement), 50, bill_rate="99.00")

    run_billing(OCTOBER)

    invoice = invoice_of(agreement)
    assert [(line.kind, line.amount) for line in invoice.lines.all()] == [(LineKind.TIME, Decimal("125.00"))]


def test_app_subscriptions_bill_the_class_fee_with_a_quantity_discount_and_earn_commission():
    gold = Package.objects.create(name="Gold", rank=2)
    agreement = client_with()
    Agreement.objects.filter(pk=agreement.pk).update(package=gold)
    AppFee.objects.create(app_class=AppClass.LIGHT, package=gold, fee_per_user=Decimal("2.00"))
    AppFee.objects.create(app_class=AppClass.PRO, package=gold, fee_per_user=Decimal("8.00"))
    AppFee.objects.create(app_class=AppClass.PRO, package=None, fee_per_user=Decimal("12.00"))
    QuantityDiscount.objects.create(min_apps=3, percent=Decimal("10"))
    apps = [App.objects.create(name="Todo", vendor="A", app_class=AppClass.LIGHT, licence_price=Decimal("5")),
            App.objects.create(name="CRM", vendor="B", app_class=AppClass.PRO, licence_price=Decimal("40"),
                               vendor_kind=VendorKind.NICHE),
            App.objects.create(name="Mail", vendor="C", app_class=AppClass.LIGHT, licence_price=Decimal("6"),
                               commission_rate=Decimal("8"))]
    for app in apps:
        AppSubscription.objects.create(client=agreement.client, app=app, users=10, start_date=date(2026, 1, 1))

    run_billing(OCTOBER)

    invoice = invoice_of(agreement)
    app_amounts = sorted(line.amount for line in invoice.lines.filter(kind=LineKind.APP))
    assert app_amounts == [Decimal("20.00"), Decimal("20.00"), Decimal("80.00")]  # Gold fees, not the default
    assert invoice.lines.get(kind=LineKind.DISCOUNT).amount == Decimal("-12.00")
    commissions = sorted(Commission.objects.values_list("amount", flat=True))
    assert commissions == [Decimal("4.50"), Decimal("4.80"), Decimal("100.00")]  # 9% general, 8% set, 25% niche


def test_a_client_that_cannot_be_billed_gets_nothing_and_a_clear_message_while_others_are_billed(capsys):
    good = client_with(name="Good Co")
    unknown_unit = client_with(name="Odd Unit Co")
    Agreement.objects.filter(pk=unknown_unit.pk).update(kind="per_seat")
    no_rate = client_with(AgreementKind.TIME_AND_MATERIALS, name="No Rate Co", unit_price="0", hourly_rate="0")
    log(ticket(no_rate), 30, bill_rate="0")

    result = run_billing(OCTOBER)

    messages = {problem["client"]: problem["message"] for problem in result.problems}
    assert "unknown unit “per_seat”" in messages["Odd Unit Co"]
    assert "no rate" in messages["No Rate Co"]
    assert list(Invoice.objects.values_list("client__name", flat=True)) == ["Good Co"]
    assert BillingRun.objects.get().problems == result.problems
    with pytest.raises(CommandError, match="1 client"):
        call_command("bill", "--month", "2026-11")  # the CLI fails loudly but still bills the good client
    assert Invoice.objects.filter(client=good.client, period_start=date(2026, 11, 1)).exists()
    assert "Odd Unit Co" in capsys.readouterr().err


def test_bad_month_is_refused_with_a_message_and_bills_nothing():
    client_with()
    with pytest.raises(ValidationError, match="YYYY-MM"):
        parse_month("October")
    with pytest.raises(ValidationError, match="has not started"):
        run_billing(date(2099, 1, 1))
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("bill", "--month", "2026-13")
    assert not Invoice.objects.exists() and not BillingRun.objects.exists()


def test_issuing_numbers_invoices_without_gaps_and_credit_notes_reverse_them():
    agreements = [client_with(name=f"Client {letter}") for letter in "CAB"]
    run_billing(OCTOBER)

    assert issue_invoices(Invoice.objects.all()) == 3
    numbers = dict(Invoice.objects.values_list("client__name", "number"))
    assert numbers == {"Client A": 1, "Client B": 2, "Client C": 3}
    assert issue_invoices(Invoice.objects.all()) == 0

    original = invoice_of(agreements[0])
    with pytest.raises(ValidationError):
        credit_invoice(original, reason="")
    note = credit_invoice(original, reason="Wrong user count")
    original.refresh_from_db()
    assert original.status == InvoiceStatus.CREDITED and original.subtotal == Decimal("300.00")
    assert note.display_number == "CN-000001" and note.total == -original.total
    assert [line.amount for line in note.lines.all()] == [Decimal("-300.00")]
    with pytest.raises(ValidationError):
        credit_invoice(original, reason="again")

    rebilled = run_billing(OCTOBER)
    assert rebilled.created == 1  # the credited month can be billed again
    issue_invoices(Invoice.objects.filter(status=InvoiceStatus.DRAFT))
    assert invoice_of(agreements[0]).number == 4


def test_command_runs_issues_and_reports(capsys):
    client_with(name="Solo")
    call_command("bill", "--month", "2026-10", "--issue")
    out = capsys.readouterr().out
    assert "1 invoice(s) created" in out and "1 invoice(s) issued" in out
    call_command("bill", "--month", "2026-10")
    assert "already invoiced" in capsys.readouterr().out
    assert Invoice.objects.get().display_number == "INV-000001"


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_and_issues_create_one_invoice_per_client_and_gap_free_numbers():
    for index in range(6):
        client_with(name=f"Parallel {index}")
    errors = []

    def work():
        try:
            run_billing(OCTOBER)
            issue_invoices(Invoice.objects.all())
        except Exception as error:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()  # this thread's own connection; left open it would block the test database's drop

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Invoice.objects.count() == 6
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_a_time_entry_carries_its_tickets_client_for_money_queries_and_internal_time_has_none():
    agreement = client_with()
    entry = log(ticket(agreement), 30)
    assert entry.client_id == agreement.client_id
    other = client_with()
    entry.ticket = ticket(other)
    entry.save(update_fields=["ticket"])
    entry.refresh_from_db()
    assert entry.client_id == other.client_id  # moved to another client's ticket: follows it
    internal = TimeEntry.objects.create(technician=entry.technician, internal_category="training",
                                        started_at=entry.started_at, minutes=60, cost_rate=1, bill_rate=1)
    assert internal.client_id is None
