"""Billing that waits for approval: the run bills only approved time, says what it left out and why, and bills
the rest once approved and the draft regenerated; reconciliation shows it as awaiting approval."""

from django.utils import timezone

from bspos.agreements.models import AgreementKind
from bspos.money.models import BillingRun, BillingSettings, InvoiceLine
from bspos.money.services import reconcile, run_billing
from bspos.money.tests.builders import OCTOBER, client_with, log, technician, ticket
from bspos.servicedesk import services as desk
from bspos.servicedesk.models import TimeEntry


def wait_for_approval(on: bool = True) -> None:
    BillingSettings.objects.update_or_create(pk=1, defaults={"bill_approved_time_only": on})


def test_with_approval_on_the_run_bills_only_approved_time_and_lists_the_rest(db):
    agreement = client_with(AgreementKind.TIME_AND_MATERIALS, unit_price="0", hourly_rate="100", name="Acme")
    work = ticket(agreement)
    approved, waiting = log(work, 60, day=3), log(work, 30, day=20)
    desk.approve_time(TimeEntry.objects.filter(pk=approved.pk), by=technician("boss"))
    wait_for_approval()

    result = run_billing(OCTOBER)

    assert list(InvoiceLine.objects.values_list("minutes", flat=True)) == [60]
    assert result.left_out == [{"client_id": agreement.client_id, "client": "Acme", "entries": 1, "minutes": 30,
                                "reason": result.left_out[0]["reason"]}]
    assert "not approved yet" in result.left_out[0]["reason"] and "0.50 h of billable time" in result.summary()
    assert BillingRun.objects.get().left_out[0]["minutes"] == 30
    rec = reconcile(agreement.client, OCTOBER)
    assert (rec.total, rec.billed, rec.awaiting_approval, rec.unbilled) == (90, 60, 30, 0)
    assert [e.pk for e in rec.awaiting_entries] == [waiting.pk]

    desk.approve_time(TimeEntry.objects.filter(pk=waiting.pk), by=technician("boss"), at=timezone.now())
    again = run_billing(OCTOBER, regenerate=True)
    assert again.regenerated == 1 and again.left_out == []
    assert sum(InvoiceLine.objects.values_list("minutes", flat=True)) == 90
    assert reconcile(agreement.client, OCTOBER).awaiting_approval == 0


def test_a_client_with_only_unapproved_time_is_named_too(db):
    agreement = client_with(AgreementKind.TIME_AND_MATERIALS, unit_price="0", hourly_rate="100", name="Beta")
    log(ticket(agreement), 45)
    wait_for_approval()
    result = run_billing(OCTOBER)
    assert result.created == 0 and [row["client"] for row in result.left_out] == ["Beta"]


def test_with_approval_off_every_billable_minute_is_billed_as_before(db):
    agreement = client_with(AgreementKind.TIME_AND_MATERIALS, unit_price="0", hourly_rate="100")
    log(ticket(agreement), 45)
    result = run_billing(OCTOBER)
    assert result.left_out == [] and sum(InvoiceLine.objects.values_list("minutes", flat=True)) == 45
    assert reconcile(agreement.client, OCTOBER).awaiting_approval == 0


def test_the_billing_page_lists_time_left_out(client, db):
    from bspos.people.models import Role
    from bspos.people.tests.factories import UserFactory

    agreement = client_with(AgreementKind.TIME_AND_MATERIALS, unit_price="0", hourly_rate="100", name="Gamma")
    log(ticket(agreement), 45)
    wait_for_approval()
    client.force_login(UserFactory(username="fiona", role=Role.FINANCE))
    page = client.post("/money/billing/run/", {"month": "2026-10"}, follow=True).content.decode()
    assert "Left out — Gamma: 45 minutes in 1 entries awaiting approval." in page
