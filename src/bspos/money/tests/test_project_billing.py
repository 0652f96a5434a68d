"""Project billing in the monthly run: fixed-fee milestones, time & materials, time under the agreement; idempotent,
and every billable minute of a project in one bucket."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bspos.agreements.models import AgreementKind
from bspos.money.models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, LineKind
from bspos.money.services import credit_invoice, issue_invoices, reconcile, run_billing
from bspos.money.tests.builders import OCTOBER, client_with, technician
from bspos.projects import services as projects
from bspos.projects.models import BillingTerms, Task
from bspos.projects.tests.factories import MilestoneFactory, ProjectFactory, TaskFactory
from bspos.servicedesk.models import TimeEntry

pytestmark = pytest.mark.django_db


def spend(task: Task, minutes: int, *, day: int = 6, rate: str = "120.00") -> TimeEntry:
    return TimeEntry.objects.create(technician=technician(), task=task, minutes=minutes, billable=True,
                                    started_at=datetime(2026, 10, day, 14, tzinfo=UTC), cost_rate=Decimal("40"),
                                    bill_rate=Decimal(rate))


def lines(client, kind=None):
    invoice = Invoice.objects.get(client=client, kind=InvoiceKind.INVOICE, status__in=[InvoiceStatus.DRAFT,
                                                                                      InvoiceStatus.ISSUED])
    return [line for line in invoice.lines.all() if kind is None or line.kind == kind]


def test_a_fixed_fee_project_bills_each_milestone_reached_in_the_month_once_and_covers_its_time():
    agreement = client_with(AgreementKind.PER_USER)
    project = ProjectFactory(client=agreement.client, billing=BillingTerms.FIXED_FEE, budget_amount=Decimal("5000"))
    reached = MilestoneFactory(project=project, amount=Decimal("1500.00"), completed_on=date(2026, 10, 20))
    MilestoneFactory(project=project, amount=Decimal("2000.00"), completed_on=date(2026, 11, 2))  # next month
    MilestoneFactory(project=project, amount=Decimal("1500.00"))  # not reached
    spend(TaskFactory(project=project), 300)

    run_billing(OCTOBER)

    billed = lines(agreement.client, LineKind.MILESTONE)
    assert [(line.amount, line.milestone_id, line.project_id) for line in billed] == [
        (Decimal("1500.00"), reached.pk, project.pk)]
    assert not lines(agreement.client, LineKind.TIME)
    recon = reconcile(agreement.client, OCTOBER)
    assert (recon.total, recon.covered, recon.billed, recon.unbilled) == (300, 300, 0, 0)

    again = run_billing(OCTOBER)  # idempotent: the month's invoice exists, nothing is billed twice
    assert again.created == 0 and InvoiceLine.objects.filter(milestone=reached).count() == 1
    regenerated = run_billing(OCTOBER, regenerate=True)
    assert regenerated.regenerated == 1 and InvoiceLine.objects.filter(milestone=reached).count() == 1


def test_a_time_and_materials_project_bills_its_time_at_its_rate_and_a_billed_milestone_is_final():
    agreement = client_with(AgreementKind.PER_USER)
    project = ProjectFactory(client=agreement.client, hourly_rate=Decimal("150.00"))
    task = TaskFactory(project=project)
    spend(task, 90)
    spend(task, 30, day=7)
    spend(TaskFactory(project=ProjectFactory(client=agreement.client)), 60, rate="100.00")  # no rate: entry's

    run_billing(OCTOBER)
    issue_invoices(Invoice.objects.filter(client=agreement.client))

    time_lines = {line.project_id: line for line in lines(agreement.client, LineKind.TIME)}
    assert time_lines[project.pk].minutes == 120 and time_lines[project.pk].amount == Decimal("300.00")
    assert time_lines[project.pk].description.startswith(project.reference)
    assert [line.amount for pk, line in time_lines.items() if pk != project.pk] == [Decimal("100.00")]
    recon = reconcile(agreement.client, OCTOBER)
    assert (recon.total, recon.billed, recon.unbilled) == (180, 180, 0)
    assert run_billing(OCTOBER).created == 0


def test_a_billed_milestone_cannot_be_reopened_until_its_invoice_is_credited():
    agreement = client_with(AgreementKind.PER_USER)
    project = ProjectFactory(client=agreement.client, billing=BillingTerms.FIXED_FEE)
    milestone = MilestoneFactory(project=project, completed_on=date(2026, 10, 20))
    run_billing(OCTOBER)
    issue_invoices(Invoice.objects.filter(client=agreement.client))
    invoice = Invoice.objects.get(client=agreement.client, status=InvoiceStatus.ISSUED)

    with pytest.raises(Exception, match=f"Billed on invoice {invoice.display_number}"):
        projects.reopen_milestone(milestone, by=None)
    milestone.refresh_from_db()
    assert milestone.completed_on == date(2026, 10, 20)

    credit_invoice(invoice, reason="Milestone signed off by mistake")
    projects.reopen_milestone(milestone, by=None)
    assert run_billing(OCTOBER).created == 1
    assert not InvoiceLine.objects.filter(invoice__status=InvoiceStatus.DRAFT, milestone=milestone).exists()


def test_time_under_the_agreement_draws_down_a_block_of_hours_and_bills_the_overage():
    agreement = client_with(AgreementKind.BLOCK_HOURS, block_hours="2", hourly_rate="90.00")
    project = ProjectFactory(client=agreement.client, billing=BillingTerms.AGREEMENT, agreement=agreement)
    spend(TaskFactory(project=project), 180)

    run_billing(OCTOBER)

    overage = lines(agreement.client, LineKind.OVERAGE)
    assert [(line.minutes, line.amount, line.project_id) for line in overage] == [(60, Decimal("90.00"), project.pk)]
    recon = reconcile(agreement.client, OCTOBER)
    assert (recon.total, recon.covered, recon.billed, recon.unbilled) == (180, 120, 60, 0)
