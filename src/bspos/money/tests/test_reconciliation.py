"""Property: for a client and month every billable minute falls in exactly one bucket (billed, covered, unbilled)."""

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from bspos.agreements.models import AgreementKind
from bspos.money.models import Invoice, InvoiceLine, LineKind, TimeAllocation
from bspos.money.services import credit_invoice, issue_invoices, reconcile, run_billing
from bspos.money.tests.builders import OCTOBER, client_with, log, ticket

entry = st.tuples(st.integers(1, 600), st.booleans(), st.booleans(), st.booleans(), st.integers(1, 31))
# (minutes, billable, in scope, linked to the agreement, day of month)


class TestReconciliation(TestCase):  # each example runs in its own transaction
    @settings(max_examples=40, deadline=None)
    @given(kind=st.sampled_from([AgreementKind.PER_USER, AgreementKind.BLOCK_HOURS,
                                 AgreementKind.TIME_AND_MATERIALS]),
           block=st.integers(1, 20), before=st.lists(entry, max_size=8), late=st.lists(entry, max_size=3),
           credit=st.booleans())
    def test_no_billable_minute_is_lost_or_counted_twice(self, kind, block, before, late, credit):
        check(kind, block, before, late, credit)


def check(kind, block, before, late, credit):
    agreement = client_with(kind, unit_price="0" if kind == AgreementKind.TIME_AND_MATERIALS else "50",
                            hourly_rate="150", block_hours=str(block) if kind == AgreementKind.BLOCK_HOURS else None)

    def add(entries):
        for minutes, billable, in_scope, linked, day in entries:
            log(ticket(agreement, in_scope=in_scope, agreement_linked=linked), minutes, billable=billable, day=day)

    add(before)
    run_billing(OCTOBER)
    credited = credit and Invoice.objects.filter(client=agreement.client).exists()
    if credited:
        issue_invoices(Invoice.objects.all())
        credit_invoice(Invoice.objects.get(client=agreement.client), reason="test")
    add(late)  # logged after the run: must show up as unbilled, not vanish

    result = reconcile(agreement.client, OCTOBER)

    billable = sum(minutes for minutes, billable, *_ in before + late if billable)
    assert result.total == billable
    assert result.billed + result.covered + result.unbilled == billable
    assert min(result.billed, result.covered, result.unbilled) >= 0
    for unbilled in result.unbilled_entries:
        assert 0 < unbilled.unbilled_minutes <= unbilled.minutes and unbilled.ticket.number
    if credited:  # a credited invoice bills nothing: every minute is unbilled until billed again
        assert result.unbilled == billable
    else:
        assert result.unbilled == sum(minutes for minutes, billable, *_ in late if billable)
        live = Invoice.objects.filter(client=agreement.client).exclude(status="credited")
        billed_on_lines = sum(InvoiceLine.objects.filter(invoice__in=live, kind__in=[LineKind.TIME, LineKind.OVERAGE])
                              .values_list("minutes", flat=True))
        assert result.billed == billed_on_lines
        for line in InvoiceLine.objects.filter(invoice__in=live, minutes__isnull=False):
            exact = Decimal(line.minutes) * line.unit_price / 60
            assert line.amount == exact.quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert all(a.minutes > 0 for a in TimeAllocation.objects.all())
