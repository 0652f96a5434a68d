"""A technician's iCalendar feed: a secret address (stored hashed, replaceable), their own entries only, parseable."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from bspos.audit.models import AuditEvent
from bspos.clients.tests.factories import SiteFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.schedule import services
from bspos.schedule.models import CalendarFeed
from bspos.schedule.tests.factories import ScheduleEntryFactory
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def soon(hours: float):
    return timezone.now().replace(microsecond=0) + timedelta(hours=hours)


def test_the_feed_parses_and_holds_the_technicians_entries_only(client):
    tech, colleague = UserFactory(first_name="Ada"), UserFactory()
    ticket = TicketFactory(subject="Replace the core switch")
    site = SiteFactory(client=ticket.client, name="Warehouse", address="1 Dock Road")
    visit = ScheduleEntryFactory(technician=tech, ticket=ticket, title="", location="on_site", site=site,
                                 starts_at=soon(24), ends_at=soon(26), notes="Bring the spare PSU")
    training = ScheduleEntryFactory(technician=tech, title="Azure training", starts_at=soon(48), ends_at=soon(50))
    ScheduleEntryFactory(technician=colleague, title="Someone else's visit", starts_at=soon(24), ends_at=soon(25))
    ScheduleEntryFactory(technician=tech, title="Long ago", starts_at=soon(-24 * 90), ends_at=soon(-24 * 90 + 1))
    token = services.regenerate_feed(user=tech, by=tech)
    answer = client.get(f"/schedule/feed/{token}.ics")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(answer.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"schedule-{visit.pk}@bspos", f"schedule-{training.pk}@bspos"}
    event = events[f"schedule-{visit.pk}@bspos"]
    assert event.decoded("dtstart") == visit.starts_at and event.decoded("dtend") == visit.ends_at
    assert "Replace the core switch" in str(event["summary"]) and "Warehouse, 1 Dock Road" in str(event["location"])
    assert "Bring the spare PSU" in str(event["description"])
    assert str(calendar["x-wr-calname"]) == "bspos: Ada"


def test_the_token_is_stored_hashed_and_a_new_address_ends_the_old_one(client):
    tech = UserFactory()
    first = services.regenerate_feed(user=tech, by=tech)
    feed = CalendarFeed.objects.get(user=tech)
    assert first not in feed.token_hash and feed.token_hash == services.feed_token_hash(first)
    assert client.get(f"/schedule/feed/{first}.ics").status_code == 200
    feed.refresh_from_db()
    assert feed.last_fetched_at is not None
    second = services.regenerate_feed(user=tech, by=tech)
    assert client.get(f"/schedule/feed/{first}.ics").status_code == 404
    assert client.get(f"/schedule/feed/{second}.ics").status_code == 200
    assert CalendarFeed.objects.count() == 1
    services.revoke_feed(user=tech, by=tech)
    assert client.get(f"/schedule/feed/{second}.ics").status_code == 404
    assert AuditEvent.objects.filter(object_repr__startswith="Calendar feed").count() == 3


def test_unknown_tokens_and_people_who_left_get_404(client):
    tech = UserFactory()
    token = services.regenerate_feed(user=tech, by=tech)
    assert client.get("/schedule/feed/not-a-token.ics").status_code == 404
    tech.is_active = False
    tech.save()
    assert client.get(f"/schedule/feed/{token}.ics").status_code == 404


def test_the_feed_page_shows_the_address_once_and_only_managers_manage_others():
    tech, colleague, manager = UserFactory(), UserFactory(), UserFactory(role=Role.SERVICE_MANAGER)
    with pytest.raises(services.PermissionDenied):
        services.regenerate_feed(user=colleague, by=tech)
    assert services.regenerate_feed(user=colleague, by=manager)


def test_the_settings_page_creates_shows_once_and_turns_off(client):
    tech = UserFactory()
    client.force_login(tech)
    assert "no calendar feed yet" in client.get("/schedule/feed/").content.decode()
    created = client.post("/schedule/feed/").content.decode()
    url = created.split('id="feed-url"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert "/schedule/feed/" in url and url.endswith(".ics")
    client.logout()
    assert client.get(url.split("testserver", 1)[1]).status_code == 200
    client.force_login(tech)
    again = client.get("/schedule/feed/").content.decode()
    assert url not in again and "Your feed is on" in again
    client.post("/schedule/feed/", {"action": "revoke"})
    assert not CalendarFeed.objects.exists()
