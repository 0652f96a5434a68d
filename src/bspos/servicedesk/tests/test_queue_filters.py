"""One TicketFilter for the queue page, its CSV export and the ticket list endpoint: the same filters everywhere,
and a bad value is an ignored filter with a reason on the page and a 422 in the API, never a server error."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from bspos.api.services import create_token
from bspos.clients.tests.factories import ClientFactory
from bspos.servicedesk import services
from bspos.servicedesk.models import Source, Status
from bspos.servicedesk.tests.factories import TicketFactory, TimeEntryFactory

HUGE = "9" * 30  # beyond any integer column
BAD = {"q": "a\x00b", "client": HUGE, "assignee": HUGE, "source": HUGE}


@pytest.fixture
def tickets(company, tech):
    other = ClientFactory(name="Beta Law")
    printer = TicketFactory(client=company, subject="Printer jams", assignee=tech)
    services.add_note(printer, author=tech, body="Toner xylophone42 replaced", is_internal=True)
    vpn = TicketFactory(client=other, subject="VPN down", source=Source.EMAIL, impact=1, urgency=1)
    closed = TicketFactory(client=company, subject="Old laptop")
    services.change_status(closed, Status.CLOSED, at=datetime(2026, 11, 3, 10, 0, tzinfo=UTC), resolution="Fixed.")
    return printer, vpn, closed


def numbers(response) -> list[int]:
    return [t.number for t in response.context["page"]]


def bearer(user) -> dict:
    _, secret = create_token(user=user, name="test", scope="read")
    return {"Authorization": f"Bearer {secret}"}


def test_the_queue_opens_on_open_tickets_and_filters_like_before(client, tickets, tech):
    printer, vpn, closed = tickets
    client.force_login(tech)
    queue = reverse("servicedesk:queue")
    assert numbers(client.get(queue)) == [vpn.number, printer.number]  # open ones, newest first
    assert numbers(client.get(queue, {"status": ""})) == [closed.number, vpn.number, printer.number]
    assert numbers(client.get(queue, {"q": "xylophone42"})) == [printer.number]  # the conversation, internal too
    assert numbers(client.get(queue, {"q": f"#{vpn.number}"})) == [vpn.number]
    assert numbers(client.get(queue, {"priority": "1"})) == [vpn.number]
    assert numbers(client.get(queue, {"client": vpn.client_id})) == [vpn.number]
    assert numbers(client.get(queue, {"source": "email"})) == [vpn.number]
    assert numbers(client.get(queue, {"mine": "1"})) == [printer.number]
    assert numbers(client.get(queue, {"unassigned": "1"})) == [vpn.number]
    assert numbers(client.get(queue, {"sort": "oldest"})) == [printer.number, vpn.number]
    assert numbers(client.get(queue, {"sla": "met", "status": ""})) == [closed.number]


def test_bad_filter_values_are_ignored_on_the_page_with_the_reason(client, tickets, tech):
    client.force_login(tech)
    response = client.get(reverse("servicedesk:queue"), BAD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Some filters were ignored" in page
    for label in ("Search", "Client", "Assignee", "Source"):
        assert f"{label}:" in page
    assert len(numbers(response)) == 2  # the other filters (the open-tickets default) still apply


def test_bad_filter_values_are_refused_by_the_api_with_422_naming_each(client, tickets, tech):
    response = client.get("/api/v1/tickets", BAD, headers=bearer(tech))
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"q", "client", "assignee", "source"}
    for name, value in BAD.items():
        one = client.get("/api/v1/tickets", {name: value}, headers=bearer(tech))
        assert one.status_code == 422 and name in one.json()["errors"], name


def test_the_api_lists_every_status_unless_asked_and_uses_the_queues_filters(client, tickets, tech):
    printer, vpn, closed = tickets
    listed = client.get("/api/v1/tickets", headers=bearer(tech)).json()
    assert [t["number"] for t in listed["items"]] == [closed.number, vpn.number, printer.number]
    active = client.get("/api/v1/tickets", {"status": "active", "client": printer.client_id}, headers=bearer(tech))
    assert [t["number"] for t in active.json()["items"]] == [printer.number]
    assert [t["number"] for t in client.get("/api/v1/tickets", {"q": "xylophone42"}, headers=bearer(tech))
            .json()["items"]] == [printer.number]
    schema = client.get("/api/v1/openapi.json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/tickets"]["get"]["parameters"]}
    assert {"status", "priority", "client", "assignee", "tier", "source", "sla", "q", "mine", "sort"} <= parameters


def test_the_export_has_the_queues_filters_and_the_ticket_columns(client, tickets, tech):
    printer, vpn, closed = tickets
    client.force_login(tech)
    page = client.get(reverse("servicedesk:queue"), {"client": printer.client_id, "status": ""}).content.decode()
    export = reverse("servicedesk:export")
    assert f'href="{export}?client={printer.client_id}&amp;status="' in page
    response = client.get(export, {"client": printer.client_id, "status": ""})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert list(rows[0]) == ["number", "subject", "client", "contact_email", "status", "priority", "source",
                             "category", "assignee", "created_at", "resolution_due", "sla_state", "resolved_at"]
    assert [int(r["number"]) for r in rows] == [closed.number, printer.number]
    assert rows[1]["assignee"] == "tess" and rows[1]["client"] == "Acme Dental"
    everything = client.get(export, {"status": "", "client": HUGE})  # a bad filter is ignored, as on the page
    assert len(list(csv.DictReader(io.StringIO(b"".join(everything.streaming_content).decode())))) == 3


def test_a_client_contact_cannot_export(client, tickets, contact):
    client.force_login(contact.user)
    assert client.get(reverse("servicedesk:export")).status_code == 404


def test_the_time_entry_list_filters_and_refuses_bad_values(client, tickets, tech):
    printer, vpn, _ = tickets
    TimeEntryFactory(technician=tech, ticket=printer, started_at=datetime(2026, 11, 2, 11, 0, tzinfo=UTC))
    TimeEntryFactory(technician=tech, ticket=vpn, started_at=datetime(2026, 11, 4, 11, 0, tzinfo=UTC), billable=False)
    headers = bearer(tech)

    def listed(**params) -> list[int]:
        return [e["ticket_number"] for e in client.get("/api/v1/time-entries", params, headers=headers)
                .json()["items"]]

    assert listed() == [vpn.number, printer.number]
    assert listed(ticket=printer.number) == [printer.number]
    assert listed(since="2026-11-03") == [vpn.number] and listed(until="2026-11-03") == [printer.number]
    assert listed(billable="false") == [vpn.number] and listed(technician=tech.pk) == [vpn.number, printer.number]
    for name, value in {"technician": HUGE, "ticket": HUGE, "since": "2026-13-01"}.items():
        response = client.get("/api/v1/time-entries", {name: value}, headers=headers)
        assert response.status_code == 422 and name in response.json()["errors"], name
