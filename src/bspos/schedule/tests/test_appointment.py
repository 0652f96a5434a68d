"""The contact is emailed the appointment through the outbox, with an .ics they can add to their calendar."""

import email
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from bspos.clients.tests.factories import ContactFactory, SiteFactory
from bspos.mail.models import OutboundMessage
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.schedule import services
from bspos.schedule.tests.factories import ScheduleEntryFactory
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def visit(**fields):
    contact = ContactFactory(first_name="Priya", email="priya@dental.test")
    ticket = TicketFactory(client=contact.client, contact=contact, subject="New reception PC")
    site = SiteFactory(client=contact.client, name="Main surgery", address="4 High Street", time_zone="Europe/London")
    starts = timezone.now().replace(microsecond=0) + timedelta(days=2)
    return ScheduleEntryFactory(technician=UserFactory(first_name="Ada", last_name="Tech"), ticket=ticket, title="",
                                location="on_site", site=site, starts_at=starts, ends_at=starts + timedelta(hours=2),
                                **fields)


def test_the_contact_is_emailed_the_appointment_with_an_ics():
    entry = visit(notes="Internal: the old PC has the practice database")
    manager = UserFactory(role=Role.SERVICE_MANAGER)
    services.email_appointment(entry, by=manager)
    outbound = OutboundMessage.objects.get()
    assert outbound.to == "priya@dental.test" and outbound.ticket == entry.ticket
    assert outbound.subject == f"Appointment for [#{entry.ticket.number}] New reception PC"
    assert "Ada Tech is booked" in outbound.body and "Main surgery, 4 High Street" in outbound.body
    assert "Europe/London" in outbound.body
    message = email.message_from_bytes(bytes(outbound.raw))
    (ics,) = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    event = Calendar.from_ical(ics.get_payload(decode=True)).walk("VEVENT")[0]
    assert event.decoded("dtstart") == entry.starts_at and "New reception PC" in str(event["summary"])
    assert "practice database" not in ics.get_payload(decode=True).decode()  # internal notes stay internal
    entry.refresh_from_db()
    assert entry.emailed_at is not None


def test_no_email_without_a_contact_address_or_for_internal_work_or_a_past_visit():
    manager = UserFactory(role=Role.SERVICE_MANAGER)
    entry = visit()
    entry.ticket.contact.email = ""
    entry.ticket.contact.save()
    with pytest.raises(ValidationError, match="no contact with an email address"):
        services.email_appointment(entry, by=manager)
    with pytest.raises(ValidationError, match="Internal work"):
        services.email_appointment(ScheduleEntryFactory(), by=manager)
    past = visit()
    past.starts_at, past.ends_at = past.starts_at - timedelta(days=5), past.ends_at - timedelta(days=5)
    past.save()
    with pytest.raises(ValidationError, match="over"):
        services.email_appointment(past, by=manager)
    assert not OutboundMessage.objects.exists()


def test_the_entry_page_emails_the_contact(client):
    entry = visit()
    client.force_login(UserFactory(role=Role.SERVICE_MANAGER))
    page = client.get(f"/schedule/entries/{entry.pk}/").content.decode()
    assert "Email Priya Jones (priya@dental.test) the appointment" in page
    answer = client.post(f"/schedule/entries/{entry.pk}/email/", follow=True)
    assert "Emailed the appointment to priya@dental.test." in answer.content.decode()
    assert OutboundMessage.objects.count() == 1
