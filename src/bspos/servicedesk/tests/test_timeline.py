"""The ticket's timeline: replies, notes, time and changes in time order, told as sentences people read, with a
fixed number of queries however long the history."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bspos.assets.tests.factories import AssetFactory
from bspos.servicedesk import services
from bspos.servicedesk.models import Status
from bspos.servicedesk.selectors import timeline
from bspos.servicedesk.tests.factories import TicketFactory


@pytest.fixture
def ticket(company):
    return TicketFactory(client=company)


def sentences(ticket, user) -> list[str]:
    return [s for item in timeline(ticket, user) for s in item.sentences]


def test_changes_read_as_sentences_with_names_and_labels(tech, manager, ticket):
    tech.first_name, tech.last_name = "Kathryn", "Scott"
    tech.save()
    services.take(ticket, by=tech)
    services.change_status(ticket, Status.WAITING_ON_CLIENT, by=tech)
    services.change_status(ticket, Status.OPEN, by=tech)
    services.change_priority(ticket, impact=1, urgency=1, by=manager)
    services.update_ticket(ticket, asset=AssetFactory(client=ticket.client, name="FRONTDESK-PC"), by=tech)
    services.respond(ticket, by=tech, status=Status.RESOLVED, resolution="Cable replaced.")
    said = sentences(ticket, tech)
    assert said[0] == "The system opened the ticket"
    assert "Kathryn Scott assigned the ticket to Kathryn Scott" in said
    assert "Kathryn Scott set status to Waiting on client" in said
    assert "SLA paused: waiting on client" in said
    assert f"{manager} set priority to P1 Critical" in said
    assert "Kathryn Scott set the asset to FRONTDESK-PC" in said
    assert "Kathryn Scott wrote the resolution: Cable replaced." in said
    assert said[-1] == "Kathryn Scott set status to Resolved"
    assert not [s for s in said if "_at" in s or "_id" in s]  # no database names


def test_replies_notes_and_time_come_in_time_order(tech, ticket):
    services.add_note(ticket, author=tech, body="First look", at=datetime(2026, 11, 2, 10, 5, tzinfo=UTC))
    services.log_time(technician=tech, ticket=ticket, minutes=30, started_at=datetime(2026, 11, 2, 10, 10, tzinfo=UTC))
    services.add_note(ticket, author=tech, body="Internal: vendor called", is_internal=True,
                      at=datetime(2026, 11, 2, 11, 0, tzinfo=UTC))
    kinds = [(item.kind, item.note.body if item.note else item.entry.minutes if item.entry else None)
             for item in timeline(ticket, tech) if item.kind != "change"]
    assert kinds == [("note", "First look"), ("time", 30), ("note", "Internal: vendor called")]


def test_a_client_contact_sees_neither_internal_notes_nor_time(tech, contact, ticket):
    services.add_note(ticket, author=tech, body="Public answer")
    services.add_note(ticket, author=tech, body="Secret", is_internal=True)
    services.log_time(technician=tech, ticket=ticket, minutes=15, started_at=timezone.now())
    items = [item for item in timeline(ticket, contact.user) if item.kind != "change"]
    assert [item.note.body for item in items] == ["Public answer"]


def test_the_page_shows_times_in_the_viewers_zone(client, tech, ticket, settings):
    services.add_note(ticket, author=tech, body="Evening check", at=datetime(2026, 11, 2, 22, 30, tzinfo=UTC))
    settings.TIME_ZONE = "America/New_York"
    client.force_login(tech)
    page = client.get(reverse("servicedesk:ticket", args=[ticket.number])).content.decode()
    assert "2 Nov 2026, 17:30" in page


def test_the_ticket_page_takes_a_fixed_number_of_queries(client, tech, manager, ticket, django_assert_max_num_queries):
    client.force_login(tech)
    url = reverse("servicedesk:ticket", args=[ticket.number])
    client.get(url)

    def grow():
        for n in range(5):
            services.respond(ticket, by=tech, body=f"Update {n}", minutes=5)
            services.update_ticket(ticket, assignee=manager if n % 2 else tech, by=manager)
            services.update_ticket(ticket, asset=AssetFactory(client=ticket.client), by=tech)

    grow()
    with django_assert_max_num_queries(40) as short:
        client.get(url)
    grow()
    grow()
    with django_assert_max_num_queries(len(short.captured_queries)):
        client.get(url)
