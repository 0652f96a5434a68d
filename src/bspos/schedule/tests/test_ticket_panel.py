"""The ticket page's Schedule card: loaded from the schedule app by URL, lists the ticket's entries, books new ones."""

import pytest

from bspos.clients.tests.factories import ContactFactory, SiteFactory
from bspos.mail.models import OutboundMessage
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.schedule.models import ScheduleEntry
from bspos.schedule.tests.factories import ScheduleEntryFactory
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_the_ticket_page_loads_the_schedule_card_which_lists_its_entries(client):
    tech = UserFactory(first_name="Ada", role=Role.TECHNICIAN)
    ticket = TicketFactory(assignee=tech)
    ScheduleEntryFactory(technician=tech, ticket=ticket, title="")
    ScheduleEntryFactory(technician=tech, title="Another ticket's work")
    client.force_login(tech)
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert f'hx-get="/schedule/tickets/{ticket.number}/panel/"' in page
    card = client.get(f"/schedule/tickets/{ticket.number}/panel/").content.decode()
    assert card.count('href="/schedule/entries/') == 1 and "Ada" in card and "Another" not in card


def test_booking_from_the_ticket_picks_the_only_site_and_a_refused_one_keeps_the_input(client):
    tech = UserFactory(first_name="Ada")
    contact = ContactFactory()
    site = SiteFactory(client=contact.client, name="Head office")
    ticket = TicketFactory(client=contact.client, contact=contact, assignee=tech)
    client.force_login(tech)
    url = f"/schedule/tickets/{ticket.number}/entries/"
    refused = client.post(url, {"technician": tech.pk, "starts_at": "2026-12-04T10:00",
                                "ends_at": "2026-12-04T09:00", "location": "on_site", "title": "Bring cables"})
    assert refused.status_code == 400
    assert "The end must be after the start." in refused.content.decode()
    assert 'value="Bring cables"' in refused.content.decode()
    booked = client.post(url, {"technician": tech.pk, "starts_at": "2099-12-04T10:00", "ends_at": "2099-12-04T12:00",
                               "location": "on_site"})
    assert booked.status_code == 200 and "Booked Ada" in booked.content.decode()
    entry = ScheduleEntry.objects.get()
    assert entry.ticket == ticket and entry.site == site and entry.created_by == tech
    emailed = client.post(f"/schedule/entries/{entry.pk}/email/", {"panel": "1"})
    assert emailed.status_code == 200 and 'id="schedule-panel"' in emailed.content.decode()
    assert OutboundMessage.objects.get().to == contact.email


def test_a_technician_cannot_book_a_colleague_from_the_ticket(client):
    tech, colleague = UserFactory(), UserFactory()
    ticket = TicketFactory()
    client.force_login(tech)
    answer = client.post(f"/schedule/tickets/{ticket.number}/entries/",
                         {"technician": colleague.pk, "starts_at": "2026-12-04T10:00", "ends_at": "2026-12-04T11:00",
                          "location": "remote"})
    assert answer.status_code == 400 and "you can schedule yourself" in answer.content.decode()
    assert not ScheduleEntry.objects.exists()


def test_a_client_contact_meets_404_on_the_card(client):
    ticket = TicketFactory()
    contact = ContactFactory(client=ticket.client, user=UserFactory(role=Role.CLIENT_CONTACT))
    client.force_login(contact.user)
    assert client.get(f"/schedule/tickets/{ticket.number}/panel/").status_code == 404
