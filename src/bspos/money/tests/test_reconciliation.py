"""Property: for a client and month every billable minute falls in exactly one bucket (billed, covered, awaiting
approval, unbilled), whether or not billing waits for approval and whichever entries are approved."""

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from bspos.agreements.models import AgreementKind
from bspos.money.models import BillingSettings, Invoice, InvoiceLine, LineKind, TimeAllocation
from bspos.money.services import credit_invoice, issue_invoices, reconcile, run_billing
from bspos.money.tests.builders import OCTOBER, client_with, log, technician, ticket
from bspos.servicedesk.models import TimeEntry
from bspos.servicedesk.services import approve_time

entry = st.tuples(st.integers(1, 600), st.booleans(), st.booleans(), st.booleans(), st.integers(1, 31),
                  st.booleans())
# (minutes, billable, in scope, linked to the agreement, day of month, its week approved)


class TestReconciliation(TestCase):  # each example runs in its own transaction
    @settings(max_examples=40, deadline=None)
    @given(kind=st.sampled_from([AgreementKind.PER_USER, AgreementKind.BLOCK_HOURS,
                                 AgreementKind.TIME_AND_MATERIALS]),
           block=st.integers(1, 20), before=st.lists(entry, max_size=8), late=st.lists(entry, max_size=3),
           credit=st.booleans(), waits=st.booleans())
    def test_no_billable_minute_is_lost_or_counted_twice(self, kind, block, before, late, credit, waits):
        check(kind, block, before, late, credit, waits)


def check(kind, block, before, late, credit, waits=False):
    BillingSettings.objects.update_or_create(pk=1, defaults={"bill_approved_time_only": waits})
    agreement = client_with(kind, unit_price="0" if kind == AgreementKind.TIME_AND_MATERIALS else "50",
                            hourly_rate="150", block_hours=str(block) if kind == AgreementKind.BLOCK_HOURS else None)

    def add(entries):
        for minutes, billable, in_scope, linked, day, approved in entries:
            entry = log(ticket(agreement, in_scope=in_scope, agreement_linked=linked), minutes, billable=billable,
                        day=day)
            if approved:
                approve_time(TimeEntry.objects.filter(pk=entry.pk), by=technician("manager"))

    add(before)
    run_billing(OCTOBER)
    credited = credit and Invoice.objects.filter(client=agreement.client).exists()
    if credited:
        issue_invoices(Invoice.objects.all())
        credit_invoice(Invoice.objects.get(client=agreement.client), reason="test")
    add(late)  # logged after the run: must show up as unbilled, not vanish

    result = reconcile(agreement.client, OCTOBER)

    def minutes_of(entries, approved=None):
        return sum(e[0] for e in entries if e[1] and (approved is None or not waits or e[5] == approved))

    billable = minutes_of(before + late)
    awaiting = sum(e[0] for e in before + late if e[1] and not e[5]) if waits else 0
    assert result.total == billable
    assert result.billed + result.covered + result.awaiting_approval + result.unbilled == billable
    assert min(result.billed, result.covered, result.awaiting_approval, result.unbilled) >= 0
    assert result.awaiting_approval == awaiting  # unapproved time is never billed while billing waits for it
    for listed in result.unbilled_entries + result.awaiting_entries:
        assert 0 < listed.unbilled_minutes <= listed.minutes and listed.ticket.number
    assert all(not e.is_approved for e in result.awaiting_entries)
    if credited:  # a credited invoice bills nothing: every minute is unbilled (or awaiting) until billed again
        assert result.unbilled == minutes_of(before + late, approved=True)
    else:
        assert result.unbilled == minutes_of(late, approved=True)
        live = Invoice.objects.filter(client=agreement.client).exclude(status="credited")
        billed_on_lines = sum(InvoiceLine.objects.filter(invoice__in=live, kind__in=[LineKind.TIME, LineKind.OVERAGE])
                              .values_list("minutes", flat=True))
        assert result.billed == billed_on_lines
        for line in InvoiceLine.objects.filter(invoice__in=live, minutes__isnull=False):
            exact = Decimal(line.minutes) * line.unit_price / 60
            assert line.amount == exact.quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert all(a.minutes > 0 for a in TimeAllocation.objects.all())
