"""Billed is final: time on an issued invoice cannot be changed or removed by anyone, by any path, until the invoice
is credited; nor can the ticket it was logged on be deleted."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from bspos.api.services import create_token
from bspos.audit.models import AuditEvent
from bspos.money.models import Invoice
from bspos.money.services import credit_invoice, issue_invoices, run_billing
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk import services
from bspos.servicedesk.models import Ticket, TimeEntry
from bspos.servicedesk.tests.factories import TicketFactory, TimeEntryFactory

OCTOBER = date(2026, 10, 1)


@pytest.fixture
def billed(agreement, tech) -> TimeEntry:
    """45 minutes in October on a ticket under the client's agreement, on the issued October invoice."""
    ticket = TicketFactory(client=agreement.client, created_at=datetime(2026, 10, 5, 9, 0, tzinfo=UTC))
    entry = TimeEntryFactory(technician=tech, ticket=ticket, minutes=45,
                             started_at=datetime(2026, 10, 5, 10, 0, tzinfo=UTC))
    run_billing(OCTOBER)
    assert issue_invoices(Invoice.objects.all(), today=date(2026, 11, 2)) == 1
    return entry


def refusal(entry: TimeEntry) -> str:
    return f"Billed on invoice {Invoice.objects.get().display_number}; credit the invoice to change it."


def unchanged(entry: TimeEntry) -> bool:
    fresh = TimeEntry.objects.get(pk=entry.pk)
    return (fresh.minutes, fresh.billable, fresh.notes) == (entry.minutes, entry.billable, entry.notes)


def bearer(user) -> dict:
    _, secret = create_token(user=user, name="test", scope="write")
    return {"Authorization": f"Bearer {secret}"}


def test_the_helpers_name_the_issued_invoice(billed):
    invoice = Invoice.objects.get()
    assert billed.billing_invoice() == invoice and list(TimeEntry.objects.billed()) == [billed]
    assert invoice.display_number.startswith("INV-")
    listed = TimeEntry.objects.with_billing().get(pk=billed.pk)
    assert listed.billing_invoice() == invoice


def test_the_api_refuses_to_patch_or_delete_billed_time_with_422(client, billed, tech):
    headers = bearer(tech)  # making the token is audited too: count after it
    events = AuditEvent.objects.count()
    patched = client.patch(f"/api/v1/time-entries/{billed.pk}", {"minutes": 5}, content_type="application/json",
                           headers=headers)
    assert patched.status_code == 422 and patched.json()["detail"] == refusal(billed)
    deleted = client.delete(f"/api/v1/time-entries/{billed.pk}", headers=headers)
    assert deleted.status_code == 422 and deleted.json()["detail"] == refusal(billed)
    assert unchanged(billed) and AuditEvent.objects.count() == events


def test_nobody_may_change_billed_time_not_even_finance_or_the_owner(client, billed):
    for role in (Role.FINANCE, Role.OWNER):
        response = client.patch(f"/api/v1/time-entries/{billed.pk}", {"billable": False},
                                content_type="application/json", headers=bearer(UserFactory(role=role)))
        assert response.status_code == 422, role
    assert unchanged(billed)


def test_the_page_shows_the_invoice_and_refuses_the_edit_and_the_removal(client, billed, tech):
    client.force_login(tech)
    ticket_page = client.get(reverse("servicedesk:ticket", args=[billed.ticket.number])).content.decode()
    assert f"billed on {Invoice.objects.get().display_number}" in ticket_page
    assert reverse("servicedesk:time_entry", args=[billed.pk]) not in ticket_page
    edit = client.post(reverse("servicedesk:time_entry", args=[billed.pk]), {"minutes": "5", "billable": "on"})
    assert edit.status_code == 400 and refusal(billed) in edit.content.decode()
    removal = client.post(reverse("servicedesk:time_entry_delete", args=[billed.pk]), follow=True)
    assert refusal(billed) in removal.content.decode()
    assert unchanged(billed)


def test_the_back_office_opens_billed_time_read_only_and_cannot_delete_it(client, billed, manager):
    client.force_login(manager)
    url = reverse("admin:servicedesk_timeentry_change", args=[billed.pk])
    page = client.get(url)
    assert page.status_code == 200 and refusal(billed) in page.content.decode()
    assert 'name="minutes"' not in page.content.decode()  # read-only
    assert client.post(url, {"minutes": "5"}).status_code == 403
    assert client.post(reverse("admin:servicedesk_timeentry_delete", args=[billed.pk]), {"post": "yes"}) \
        .status_code == 403
    client.post(reverse("admin:servicedesk_timeentry_changelist"),
                {"action": "delete_selected", "_selected_action": [billed.pk], "post": "yes"})
    assert unchanged(billed)


def test_a_ticket_with_billed_time_cannot_be_deleted(client, billed, manager):
    ticket = billed.ticket
    response = client.delete(f"/api/v1/tickets/{ticket.number}", headers=bearer(manager))
    assert response.status_code == 422 and response.json()["detail"] == refusal(billed)
    client.force_login(manager)
    assert client.post(reverse("admin:servicedesk_ticket_delete", args=[ticket.pk]), {"post": "yes"}) \
        .status_code == 403
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_once_the_invoice_is_credited_the_time_can_be_corrected_again(client, billed, tech):
    credit_invoice(Invoice.objects.get(kind="invoice"), reason="Wrong hours")
    response = client.patch(f"/api/v1/time-entries/{billed.pk}", {"minutes": 30}, content_type="application/json",
                            headers=bearer(tech))
    assert response.status_code == 200 and response.json()["minutes"] == 30
    event = AuditEvent.objects.filter(object_id=billed.pk, action="changed").get()
    assert event.actor == tech and event.changes["minutes"] == [45, 30]


def test_unbilled_time_is_corrected_and_removed_on_the_page_with_the_audit_trail(client, agreement, tech):
    entry = TimeEntryFactory(technician=tech, ticket=TicketFactory(client=agreement.client), minutes=45)
    client.force_login(tech)
    page = client.get(reverse("servicedesk:ticket", args=[entry.ticket.number])).content.decode()
    assert reverse("servicedesk:time_entry", args=[entry.pk]) in page
    client.post(reverse("servicedesk:time_entry", args=[entry.pk]), {"minutes": "50", "notes": "Printer"})
    entry.refresh_from_db()
    assert (entry.minutes, entry.billable, entry.notes) == (50, False, "Printer")
    response = client.post(reverse("servicedesk:time_entry_delete", args=[entry.pk]))
    assert response.url == reverse("servicedesk:ticket", args=[entry.ticket.number])
    assert not TimeEntry.objects.filter(pk=entry.pk).exists()
    assert list(AuditEvent.objects.filter(object_id=entry.pk, content_type__model="timeentry")
                .values_list("action", flat=True)) == ["deleted", "changed", "created"]


def test_a_technician_cannot_correct_somebody_elses_time(client, agreement, tech):
    entry = TimeEntryFactory(technician=UserFactory(), ticket=TicketFactory(client=agreement.client))
    client.force_login(tech)
    assert client.post(reverse("servicedesk:time_entry", args=[entry.pk]), {"minutes": "5"}).status_code == 403
    assert client.post(reverse("servicedesk:time_entry_delete", args=[entry.pk])).status_code == 403
    assert TimeEntry.objects.get(pk=entry.pk).minutes == entry.minutes


def test_deleting_a_note_is_audited(agreement, tech):
    ticket = TicketFactory(client=agreement.client)
    note = services.add_note(ticket, author=tech, body="Wrong ticket, sorry")
    services.delete_note(note, by=tech)
    assert AuditEvent.objects.filter(content_type__model="note", action="deleted", actor=tech).exists()
