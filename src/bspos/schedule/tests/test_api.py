"""The schedule API: book, move, resize and remove entries with the board's rules; planned vs logged hours."""

from datetime import UTC, datetime

import pytest

from bspos.api.services import create_token
from bspos.audit.services import history
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.schedule.models import ScheduleEntry
from bspos.schedule.tests.factories import ScheduleEntryFactory
from bspos.servicedesk.tests.factories import TicketFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db


def bearer(user, scope: str = "write") -> dict:
    _, secret = create_token(user=user, name="test", scope=scope)
    return {"Authorization": f"Bearer {secret}"}


def send(client, method, path, user, body=None, scope="write"):
    call = getattr(client, method)
    if body is None:
        return call(f"/api/v1{path}", headers=bearer(user, scope))
    return call(f"/api/v1{path}", body, content_type="application/json", headers=bearer(user, scope))


def test_a_dispatcher_books_moves_and_removes_an_entry_and_conflicts_are_reported(client):
    manager, tech, other = UserFactory(role=Role.SERVICE_MANAGER), UserFactory(), UserFactory()
    ticket = TicketFactory()
    ScheduleEntryFactory(technician=other, starts_at=datetime(2026, 12, 2, 9, tzinfo=UTC),
                         ends_at=datetime(2026, 12, 2, 12, tzinfo=UTC))
    created = send(client, "post", "/schedule-entries", manager, {
        "technician_id": tech.pk, "starts_at": "2026-12-02T10:00:00Z", "ends_at": "2026-12-02T11:30:00Z",
        "ticket_number": ticket.number})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["ticket_number"] == ticket.number and body["has_conflict"] is False
    moved = send(client, "patch", f"/schedule-entries/{body['id']}", manager, {"technician_id": other.pk})
    assert moved.status_code == 200 and moved.json()["has_conflict"] is True
    resized = send(client, "patch", f"/schedule-entries/{body['id']}", manager, {"ends_at": "2026-12-02T13:00:00Z"})
    assert resized.json()["ends_at"].startswith("2026-12-02T13:00")
    listed = send(client, "get", f"/schedule-entries?technician={other.pk}&from_day=2026-12-02&to_day=2026-12-02",
                  tech).json()
    assert [e["id"] for e in listed["items"]] == [ScheduleEntry.objects.first().pk, body["id"]]
    assert send(client, "get", "/schedule-entries?from_day=2026-12-03", tech).json()["count"] == 0
    assert send(client, "delete", f"/schedule-entries/{body['id']}", manager).status_code == 204
    assert ScheduleEntry.objects.count() == 1 and history(ScheduleEntry(pk=body["id"]))[0].action == "deleted"


def test_bad_input_and_rules_are_422_and_permissions_403(client):
    tech, colleague = UserFactory(), UserFactory()
    base = {"technician_id": tech.pk, "starts_at": "2026-12-02T10:00:00Z", "ends_at": "2026-12-02T09:00:00Z",
            "title": "Lab"}
    backwards = send(client, "post", "/schedule-entries", tech, base)
    assert backwards.status_code == 422 and "ends_at" in backwards.json()["errors"]
    naive = send(client, "post", "/schedule-entries", tech, {**base, "starts_at": "2026-12-02T08:00:00"})
    assert naive.status_code == 422
    unknown = send(client, "post", "/schedule-entries", tech, {**base, "ends_at": "2026-12-02T11:00:00Z",
                                                               "ticket_number": 424242})
    assert unknown.status_code == 422 and "ticket_number" in unknown.json()["errors"]
    colleagues = send(client, "post", "/schedule-entries", tech, {**base, "technician_id": colleague.pk,
                                                                  "ends_at": "2026-12-02T11:00:00Z"})
    assert colleagues.status_code == 403
    read_only = send(client, "post", "/schedule-entries", tech, {**base, "ends_at": "2026-12-02T11:00:00Z"},
                     scope="read")
    assert read_only.status_code == 403
    assert not ScheduleEntry.objects.exists()


def test_planned_against_logged_hours_per_technician(client):
    tech = UserFactory(first_name="Ada")
    ScheduleEntryFactory(technician=tech, starts_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
                         ends_at=datetime(2026, 12, 1, 13, tzinfo=UTC))
    TimeEntryFactory(technician=tech, started_at=datetime(2026, 12, 1, 9, tzinfo=UTC), minutes=150)
    rows = send(client, "get", "/schedule-hours?week=2026-12-03", tech).json()
    assert {"technician_id": tech.pk, "technician": "Ada", "planned_minutes": 240, "logged_minutes": 150,
            "capacity_minutes": 2400} in rows
    assert send(client, "get", "/schedule-hours?week=9999-12-31", tech).status_code == 422
