"""Schedule entries for a project task: booked from the task's page, shown on the board, in the calendar feed and the
API, counted in planned against logged hours (with the time logged on the task)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar

from bspos.clients.tests.factories import ContactFactory, SiteFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.projects.models import ProjectStatus
from bspos.projects.tests.factories import TaskFactory
from bspos.schedule import services
from bspos.schedule.models import ScheduleEntry
from bspos.schedule.selectors import planned_and_logged
from bspos.schedule.tests.factories import ScheduleEntryFactory
from bspos.schedule.tests.test_api import send
from bspos.servicedesk.services import log_time
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 30)


def local(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hour))


def test_the_task_page_loads_its_schedule_card_and_books_the_assignee_at_the_projects_only_site(client):
    tech = UserFactory(first_name="Ada", role=Role.TECHNICIAN)
    task = TaskFactory(name="Rack the new server", assignee=tech)
    site = SiteFactory(client=task.project.client, name="Head office")
    ScheduleEntryFactory(technician=tech, title="Someone else's training")
    client.force_login(tech)
    page = client.get(f"/projects/tasks/{task.pk}/").content.decode()
    assert f'hx-get="/schedule/tasks/{task.pk}/panel/"' in page
    card = client.get(f"/schedule/tasks/{task.pk}/panel/").content.decode()
    assert "Nothing scheduled" in card and f'action="/schedule/tasks/{task.pk}/entries/"' in card
    booked = client.post(f"/schedule/tasks/{task.pk}/entries/", {
        "technician": tech.pk, "starts_at": "2099-12-04T10:00", "ends_at": "2099-12-04T13:00", "location": "on_site"})
    assert booked.status_code == 200 and "Booked Ada" in booked.content.decode()
    entry = ScheduleEntry.objects.get(task=task)
    assert entry.ticket is None and entry.site == site and entry.minutes == 180
    assert entry.label == f"{task.project.reference} Rack the new server — {task.project.client.name}"
    card = client.get(f"/schedule/tasks/{task.pk}/panel/").content.decode()
    assert card.count('href="/schedule/entries/') == 1 and "Someone else" not in card


def test_a_refused_task_booking_keeps_the_input_and_books_nothing(client):
    tech = UserFactory()
    task = TaskFactory()
    client.force_login(tech)
    refused = client.post(f"/schedule/tasks/{task.pk}/entries/", {
        "technician": tech.pk, "starts_at": "2099-12-04T10:00", "ends_at": "2099-12-04T09:00", "location": "remote",
        "title": "Bring the disks"})
    assert refused.status_code == 400
    assert "The end must be after the start." in refused.content.decode()
    assert 'value="Bring the disks"' in refused.content.decode()
    assert not ScheduleEntry.objects.exists()


def test_a_task_of_a_closed_project_is_not_planned_and_a_site_must_be_the_projects_clients():
    tech = UserFactory()
    task = TaskFactory(project__status=ProjectStatus.COMPLETED)
    with pytest.raises(ValidationError, match="reopen it to plan time"):
        services.create_entry(technician=tech, starts_at=local(MONDAY, 9), ends_at=local(MONDAY, 10), task=task,
                              by=tech)
    open_task = TaskFactory()
    with pytest.raises(ValidationError, match="another client than the project task's"):
        services.create_entry(technician=tech, starts_at=local(MONDAY, 9), ends_at=local(MONDAY, 10),
                              task=open_task, site=SiteFactory(), location="on_site", by=tech)
    with pytest.raises(ValidationError, match="a ticket or for a project task, not both"):
        services.create_entry(technician=tech, starts_at=local(MONDAY, 9), ends_at=local(MONDAY, 10),
                              task=open_task, ticket=TicketFactory(client=open_task.project.client), by=tech)
    assert not ScheduleEntry.objects.exists()


def test_the_database_refuses_an_entry_for_both_a_ticket_and_a_task():
    task = TaskFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduleEntryFactory(task=task, ticket=TicketFactory(), title="")


def test_the_board_shows_a_task_entry_with_its_project_and_client(client):
    manager = UserFactory(role=Role.SERVICE_MANAGER)
    tech = UserFactory(role=Role.TECHNICIAN)
    task = TaskFactory(name="Migrate mailboxes", project__client__name="Acme Dental")
    ScheduleEntryFactory(technician=tech, task=task, title="", starts_at=local(MONDAY, 9), ends_at=local(MONDAY, 11))
    client.force_login(manager)
    board = client.get(f"/schedule/?day={MONDAY}").content.decode()
    assert f"{task.project.reference} Migrate mailboxes — Acme Dental" in board
    entry_page = client.get(f"/schedule/entries/{ScheduleEntry.objects.get().pk}/").content.decode()
    assert f'href="/projects/tasks/{task.pk}/"' in entry_page


def test_the_feed_holds_a_task_entry_with_a_link_to_the_task(client):
    tech = UserFactory()
    task = TaskFactory(name="Swap the switch")
    now = timezone.now()
    ScheduleEntryFactory(technician=tech, task=task, title="", starts_at=now + timedelta(days=1),
                         ends_at=now + timedelta(days=1, hours=2))
    token = services.regenerate_feed(user=tech, by=tech)
    calendar = Calendar.from_ical(client.get(f"/schedule/feed/{token}.ics").content)
    [event] = calendar.walk("VEVENT")
    assert "Swap the switch" in str(event["summary"])
    assert f"/projects/tasks/{task.pk}/" in str(event["description"])


def test_planned_and_logged_hours_count_a_tasks_entries_and_the_time_logged_on_it():
    tech = UserFactory()
    task = TaskFactory()
    ScheduleEntryFactory(technician=tech, task=task, title="", starts_at=local(MONDAY, 9), ends_at=local(MONDAY, 13))
    ScheduleEntryFactory(technician=tech, ticket=TicketFactory(), title="", starts_at=local(MONDAY, 14),
                         ends_at=local(MONDAY, 15))
    log_time(technician=tech, task=task, minutes=150, started_at=local(MONDAY, 9))
    log_time(technician=tech, ticket=TicketFactory(), minutes=30, started_at=local(MONDAY, 14))
    [hours] = planned_and_logged([tech], MONDAY)
    assert (hours.planned_minutes, hours.logged_minutes) == (300, 180)


def test_the_api_books_lists_and_filters_a_tasks_entries(client):
    tech = UserFactory(role=Role.TECHNICIAN)
    task = TaskFactory()
    made = send(client, "post", "/schedule-entries", tech, {
        "technician_id": tech.pk, "starts_at": "2099-12-01T09:00:00Z", "ends_at": "2099-12-01T11:00:00Z",
        "task_id": task.pk})
    assert made.status_code == 201 and made.json()["task_id"] == task.pk and made.json()["ticket_number"] is None
    ScheduleEntryFactory(technician=tech, starts_at=datetime(2099, 12, 2, 9, tzinfo=UTC))
    listed = send(client, "get", f"/schedule-entries?project={task.project_id}", tech).json()["items"]
    assert [row["task_id"] for row in listed] == [task.pk]
    by_client = send(client, "get", f"/schedule-entries?client={task.project.client_id}", tech).json()["items"]
    assert [row["task_id"] for row in by_client] == [task.pk]
    internal = send(client, "get", "/schedule-entries?internal=true", tech).json()["items"]
    assert [row["task_id"] for row in internal] == [None]
    unknown = send(client, "post", "/schedule-entries", tech, {
        "technician_id": tech.pk, "starts_at": "2099-12-01T09:00:00Z", "ends_at": "2099-12-01T11:00:00Z",
        "task_id": 999999})
    assert unknown.status_code == 422 and ScheduleEntry.objects.count() == 2


def test_a_client_contact_meets_404_on_a_tasks_schedule_card_even_of_their_own_company(client):
    task = TaskFactory()
    contact = ContactFactory(client=task.project.client, user=UserFactory(role=Role.CLIENT_CONTACT))
    client.force_login(contact.user)
    assert client.get(f"/schedule/tasks/{task.pk}/panel/").status_code == 404
    assert client.post(f"/schedule/tasks/{task.pk}/entries/", {
        "technician": contact.user.pk, "starts_at": "2099-12-04T10:00", "ends_at": "2099-12-04T11:00",
        "location": "remote"}).status_code == 404
    assert not ScheduleEntry.objects.exists()
