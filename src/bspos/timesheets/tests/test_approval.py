"""Submit a week, approve or return it; approval locks the week's entries on every path (service, my week, the
ticket page, the API, the back office) until the week is returned, and billed time can no longer be returned."""

from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from bspos.api.services import create_token
from bspos.money.models import Bucket, Invoice, TimeAllocation
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk import services as desk
from bspos.servicedesk.models import TimeEntry
from bspos.timesheets import services
from bspos.timesheets.models import SheetStatus
from bspos.timesheets.tests.conftest import WEEK, at


def approved(tech, manager):
    return services.approve_week(sheet=services.submit_week(technician=tech, week=WEEK, by=tech), by=manager)


def test_submitting_and_approving_a_week_approves_every_entry_of_it(tech, manager, logged):
    sheet = services.submit_week(technician=tech, week=WEEK, by=tech)
    assert sheet.status == SheetStatus.SUBMITTED and sheet.submitted_minutes == 180
    assert not TimeEntry.objects.approved().exists()
    services.approve_week(sheet=sheet, by=manager)
    assert set(TimeEntry.objects.approved().values_list("pk", flat=True)) == {e.pk for e in logged}
    assert set(TimeEntry.objects.locked()) == set(logged)
    assert all(e.approved_by == manager for e in TimeEntry.objects.all())


def test_an_approved_entry_cannot_be_changed_or_deleted_through_the_services(tech, manager, logged):
    approved(tech, manager)
    entry = TimeEntry.objects.get(pk=logged[0].pk)
    with pytest.raises(ValidationError, match="Approved by Max"):
        desk.update_time_entry(entry, by=tech, minutes=5)
    with pytest.raises(ValidationError, match="return the week"):
        desk.delete_time_entry(entry, by=manager)  # the manager too: return the week first
    entry.refresh_from_db()
    assert entry.minutes == 120


def test_an_entry_approved_meanwhile_is_refused_even_from_a_stale_copy(tech, manager, logged):
    stale = TimeEntry.objects.get(pk=logged[0].pk)  # loaded before the approval commits
    approved(tech, manager)
    with pytest.raises(ValidationError):
        desk.update_time_entry(stale, by=tech, minutes=5)
    assert TimeEntry.objects.get(pk=stale.pk).minutes == 120


def test_my_week_refuses_to_correct_or_remove_approved_time(client, tech, manager, logged):
    approved(tech, manager)
    client.force_login(tech)
    page = client.get(f"/time/?week={WEEK}").content.decode()
    assert "approved" in page and f"/time/entries/{logged[0].pk}/delete/" not in page
    response = client.post(f"/time/entries/{logged[0].pk}/", {"day": str(WEEK), "start": "09:00",
                                                             "duration": "0:30", "notes": "changed"})
    assert response.status_code == 400 and "return the week" in response.content.decode()
    response = client.post(f"/time/entries/{logged[0].pk}/delete/", follow=True)
    assert "return the week" in response.content.decode()
    assert TimeEntry.objects.filter(pk=logged[0].pk, minutes=120, notes="").exists()


def test_the_ticket_page_and_its_correct_form_refuse_approved_time(client, tech, manager, ticket, logged):
    approved(tech, manager)
    client.force_login(tech)
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert f"/desk/time/{logged[0].pk}/" not in page and "approved" in page
    response = client.post(f"/desk/time/{logged[0].pk}/", {"minutes": 5, "billable": "on"})
    assert response.status_code == 400 and "Approved by Max" in response.content.decode()
    client.post(f"/desk/time/{logged[0].pk}/delete/")
    assert TimeEntry.objects.get(pk=logged[0].pk).minutes == 120


def test_the_api_refuses_approved_time_with_422(client, tech, manager, logged):
    approved(tech, manager)
    _, secret = create_token(user=tech, name="t", scope="write")
    headers = {"Authorization": f"Bearer {secret}"}
    patch = client.patch(f"/api/v1/time-entries/{logged[0].pk}", {"minutes": 5}, content_type="application/json",
                         headers=headers)
    assert patch.status_code == 422 and "return the week" in patch.json()["detail"]
    assert client.delete(f"/api/v1/time-entries/{logged[0].pk}", headers=headers).status_code == 422
    shown = client.get(f"/api/v1/time-entries/{logged[0].pk}", headers=headers).json()
    assert shown["approved_at"] and shown["approved_by_id"] == manager.pk and shown["minutes"] == 120


def test_the_back_office_opens_approved_time_read_only(tech, manager, logged):
    approved(tech, manager)
    admin = site._registry[TimeEntry]
    request = RequestFactory().get("/")
    request.user = UserFactory(username="root", role=Role.OWNER, is_staff=True, is_superuser=True)
    entry = TimeEntry.objects.get(pk=logged[0].pk)
    assert not admin.has_change_permission(request, entry) and not admin.has_delete_permission(request, entry)


def test_returning_a_week_with_a_comment_opens_its_entries_again(tech, manager, logged):
    sheet = approved(tech, manager)
    with pytest.raises(ValidationError, match="Say what to fix"):
        services.return_week(sheet=sheet, by=manager, comment="  ")
    services.return_week(sheet=sheet, by=manager, comment="Tuesday's meeting was 30 minutes")
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.RETURNED and sheet.comment == "Tuesday's meeting was 30 minutes"
    assert not TimeEntry.objects.approved().exists()
    desk.update_time_entry(TimeEntry.objects.get(pk=logged[1].pk), by=tech, minutes=30)
    resubmitted = services.submit_week(technician=tech, week=WEEK, by=tech)
    assert resubmitted.pk == sheet.pk and resubmitted.status == SheetStatus.SUBMITTED
    assert resubmitted.submitted_minutes == 150


def test_a_week_with_billed_time_cannot_be_returned(tech, manager, ticket, logged):
    sheet = approved(tech, manager)
    invoice = Invoice.objects.create(client=ticket.client, period_start=WEEK.replace(day=1),
                                     period_end=WEEK.replace(day=30), status="issued", number=7)
    TimeAllocation.objects.create(time_entry=logged[0], invoice=invoice, bucket=Bucket.BILLED, minutes=120)
    with pytest.raises(ValidationError, match="INV-000007"):
        services.return_week(sheet=sheet, by=manager, comment="Redo it")
    assert TimeEntry.objects.approved().count() == 2


def test_nobody_decides_on_their_own_week_but_the_owner(manager, ticket):
    desk.log_time(technician=manager, ticket=ticket, minutes=30, started_at=at(WEEK))
    sheet = services.submit_week(technician=manager, week=WEEK, by=manager)
    with pytest.raises(ValidationError, match="Someone else"):
        services.approve_week(sheet=sheet, by=manager)
    owner = UserFactory(username="olive", role=Role.OWNER)
    services.approve_week(sheet=sheet, by=owner)
    assert TimeEntry.objects.approved().count() == 1


def test_a_week_is_submitted_once_not_before_it_begins_and_not_empty(tech, manager, logged):
    with pytest.raises(ValidationError, match="Nothing is logged"):
        services.submit_week(technician=tech, week=WEEK - timedelta(days=7), by=tech)
    with pytest.raises(ValidationError, match="not started"):
        services.submit_week(technician=tech, week=WEEK + timedelta(weeks=200), by=tech)
    with pytest.raises(ValidationError, match="not a Monday"):
        services.submit_week(technician=tech, week=WEEK + timedelta(days=1), by=tech)
    services.submit_week(technician=tech, week=WEEK, by=tech)
    with pytest.raises(ValidationError, match="waiting for the service manager"):
        services.submit_week(technician=tech, week=WEEK, by=tech)


def test_time_added_to_an_approved_week_waits_for_its_own_approval(tech, manager, ticket, logged):
    sheet = approved(tech, manager)
    with pytest.raises(ValidationError, match="approved already"):
        services.submit_week(technician=tech, week=WEEK, by=tech)
    late = desk.log_time(technician=tech, ticket=ticket, minutes=15, started_at=at(WEEK + timedelta(days=4)))
    assert not TimeEntry.objects.get(pk=late.pk).is_approved
    services.submit_week(technician=tech, week=WEEK, by=tech)
    services.approve_week(sheet=sheet, by=manager)
    assert TimeEntry.objects.awaiting_approval().count() == 0
