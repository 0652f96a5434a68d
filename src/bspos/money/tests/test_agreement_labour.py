"""Labour on a ticket that belongs to an agreement is the agreement's: billing covers a per-user client's in-scope
hour instead of invoicing it at the hourly rate, reconciliation counts it covered, and the margin report and the
pricing guard's floor count its cost."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bspos.agreements.models import AgreementKind
from bspos.agreements.tests.factories import AgreementFactory
from bspos.clients.tests.factories import ContactFactory
from bspos.core.money import cents
from bspos.money import reports
from bspos.money.models import Bucket, Invoice, LineKind, TimeAllocation
from bspos.money.services import reconcile, run_billing
from bspos.people.tests.factories import RateFactory, UserFactory
from bspos.servicedesk.models import Ticket
from bspos.servicedesk.tests.factories import TicketFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db
NOVEMBER = date(2026, 11, 1)
DECEMBER_DAY = date(2026, 12, 15)  # the guard looks at September to November


def per_user_client_with_an_hour(linked: bool):
    agreement = AgreementFactory(kind=AgreementKind.PER_USER, unit_price=Decimal("100.00"),
                                 hourly_rate=Decimal("150.00"), sla_plan=None)
    ContactFactory.create_batch(2, client=agreement.client)
    technician = UserFactory()
    RateFactory(user=technician, cost_rate=Decimal("40.00"), bill_rate=Decimal("120.00"))
    ticket = TicketFactory(client=agreement.client, agreement=agreement)
    if not linked:  # as tickets opened before they were linked to the agreement in force
        Ticket.objects.filter(pk=ticket.pk).update(agreement=None)
    entry = TimeEntryFactory(ticket=ticket, technician=technician, minutes=60,
                             started_at=datetime(2026, 11, 2, 11, tzinfo=UTC))
    return agreement, entry


def test_an_in_scope_hour_on_the_agreements_ticket_is_covered_not_invoiced():
    agreement, entry = per_user_client_with_an_hour(linked=True)

    run_billing(NOVEMBER)

    invoice = Invoice.objects.get(client=agreement.client)
    assert [(line.kind, line.amount) for line in invoice.lines.all()] == [(LineKind.RECURRING, Decimal("200.00"))]
    assert TimeAllocation.objects.get(time_entry=entry).bucket == Bucket.COVERED
    result = reconcile(agreement.client, NOVEMBER)
    assert (result.total, result.covered, result.billed, result.unbilled) == (60, 60, 0, 0)


def test_the_same_hour_on_a_ticket_without_an_agreement_is_invoiced_at_the_bill_rate():
    agreement, _entry = per_user_client_with_an_hour(linked=False)

    run_billing(NOVEMBER)

    lines = Invoice.objects.get(client=agreement.client).lines.filter(kind=LineKind.TIME)
    assert [(line.amount, line.description.endswith("no agreement")) for line in lines] == [(Decimal("120.00"), True)]


def test_the_margin_report_and_the_guards_floor_count_the_agreements_labour():
    agreement, _entry = per_user_client_with_an_hour(linked=True)
    run_billing(NOVEMBER)

    [row] = reports.margin_report([NOVEMBER]).clients
    assert (row.revenue, row.labour, row.margin) == (Decimal("200.00"), Decimal("40.00"), Decimal("160.00"))

    guard = reports.guards_for([agreement], DECEMBER_DAY)[agreement.pk]
    assert guard.direct_cost == cents(Decimal(40) / 3)  # one hour at cost over three months
    assert guard.floor == guard.direct_cost * 3 and guard.floor > 0
    assert guard.price == Decimal("200.00")


def test_labour_on_an_unlinked_ticket_is_no_agreements_cost():
    agreement, _entry = per_user_client_with_an_hour(linked=False)
    guard = reports.guards_for([agreement], DECEMBER_DAY)[agreement.pk]
    assert guard.direct_cost == 0 and guard.floor == 0
