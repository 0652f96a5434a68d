"""The vCIO's journey through a review in the browser's terms: cadence page, schedule, invite, hold, PDF, publish;
what a technician and the client's contacts may reach."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from bspos.clients.models import Contact
from bspos.people.models import Role, User
from bspos.reviews import services
from bspos.reviews.models import Recommendation, Review
from bspos.reviews.tests.builders import company, history, vcio

pytestmark = pytest.mark.django_db


def contact_user(client, username: str) -> User:
    user = User.objects.create_user(username=username, password="x", role=Role.CLIENT_CONTACT)
    Contact.objects.create(client=client, first_name=username, email=f"{username}@example.com", user=user)
    return user


@pytest.fixture
def acme():
    client = company()
    history(client)
    return client


def test_the_vcio_schedules_sends_the_invite_holds_and_publishes_the_review(client, acme):
    services.plan_reviews()  # as the daily `bspos plan-reviews` does
    client.force_login(vcio())
    page = client.get(reverse("reviews:cadence") + "?show=planned").content.decode()
    review = Review.objects.get(client=acme, status="planned")
    assert "Acme Ltd" in page and "Completion per quarter" in page

    bad = client.post(reverse("reviews:action", args=[review.pk, "schedule"]), {"scheduled_at": "next tuesday"})
    assert bad.status_code == 400 and "Enter a valid date/time" in bad.content.decode()
    assert Review.objects.get(pk=review.pk).scheduled_at is None

    meeting = (timezone.localtime() + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    client.post(reverse("reviews:action", args=[review.pk, "schedule"]),
                {"scheduled_at": meeting.strftime("%Y-%m-%dT%H:%M"), "location": "Acme boardroom"})
    invite = client.get(reverse("reviews:ics", args=[review.pk]))
    assert invite["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(invite.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == meeting
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=60)
    assert "Recommendations (10 min)" in str(event["description"]) and str(event["location"]) == "Acme boardroom"
    assert any("ceo@" in str(attendee) for attendee in [event["attendee"]] if attendee)

    client.post(reverse("reviews:action", args=[review.pk, "agenda"]),
                {"business_goals": "Open a second office in Leeds", "business_challenges": "", "observations": ""})
    client.post(reverse("reviews:action", args=[review.pk, "suggest"]))
    assert review.recommendations.filter(suggestion="hardware-refresh").exists()
    client.post(reverse("reviews:action", args=[review.pk, "hold"]), {"held_on": timezone.localdate().isoformat()})
    review.refresh_from_db()
    assert review.status == "held" and review.pack is not None

    pdf = client.get(reverse("reviews:pdf", args=[review.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for figure in ("Acme Ltd", "Strategic Business Review", "Open a second office in Leeds",
                   "Refresh 2 ageing", "USD 2,000.00"):
        assert figure in text, figure

    assert client.get(reverse("portal:reviews")).status_code == 403  # staff are not portal users
    client.post(reverse("reviews:action", args=[review.pk, "publish"]))
    assert Review.objects.get(pk=review.pk).published_at is not None


def test_a_client_contact_reads_only_their_own_companys_published_reviews(client, acme):
    published = Review.objects.create(client=acme, due_on=date(2026, 10, 1), status="held", held_on=date(2026, 10, 1),
                                      published_at=timezone.now(), business_goals="Grow to 80 staff")
    draft = Review.objects.create(client=acme, due_on=date(2026, 12, 30))
    other = company("Rival Ltd")
    theirs = Review.objects.create(client=other, due_on=date(2026, 10, 1), status="held", held_on=date(2026, 10, 1),
                                   published_at=timezone.now())
    client.force_login(contact_user(acme, "cleo"))
    listing = client.get(reverse("portal:reviews")).content.decode()
    assert reverse("portal:review", args=[published.pk]) in listing
    assert "Grow to 80 staff" in client.get(reverse("portal:review", args=[published.pk])).content.decode()
    assert client.get(reverse("portal:review-pdf", args=[published.pk])).content.startswith(b"%PDF")
    for hidden in (draft, theirs):
        assert client.get(reverse("portal:review", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("reviews:review", args=[published.pk])).status_code == 404
    assert client.get(reverse("reviews:cadence")).status_code == 404


def test_a_technician_reads_reviews_but_cannot_change_them(client, acme):
    review = Review.objects.create(client=acme, due_on=date(2026, 12, 30))
    client.force_login(User.objects.create_user(username="tina", password="x", role=Role.TECHNICIAN))
    assert client.get(reverse("reviews:review", args=[review.pk])).status_code == 200
    refused = client.post(reverse("reviews:action", args=[review.pk, "missed"]))
    assert refused.status_code == 403 and Review.objects.get(pk=review.pk).status == "planned"


def test_the_review_page_shows_the_agenda_and_records_decisions(client, acme):
    review = Review.objects.create(client=acme, due_on=date(2026, 12, 30))
    client.force_login(vcio())
    page = client.get(reverse("reviews:review", args=[review.pk])).content.decode()
    for section in ("1. Previous objectives", "2. The client", "3. Trends and observations",
                    "4. Recommendations", "5. Next steps", "first review"):
        assert section in page, section
    refused = client.post(reverse("reviews:action", args=[review.pk, "recommend"]),
                          {"title": "Backup", "area": "Continuous", "business_problem": "", "roi": "0",
                           "one_time": "0", "monthly": "0", "quarter": "2027-02-01"})
    assert refused.status_code == 400 and "Give the investment" in refused.content.decode()
    client.post(reverse("reviews:action", args=[review.pk, "recommend"]),
                {"title": "Backup", "area": "Continuous", "business_problem": "No offsite copy", "roi": "1200",
                 "one_time": "800", "monthly": "25", "quarter": "2027-02-01"})
    recommendation = Recommendation.objects.get(review=review)
    client.post(reverse("reviews:decide", args=[recommendation.pk]), {"decision": "accepted"})
    assert Recommendation.objects.get(pk=recommendation.pk).roadmap_item.title == "Backup"
    client.post(reverse("reviews:action", args=[review.pk, "step"]),
                {"description": "Quote offsite backup", "owner": "Vic", "due_on": "2027-01-10"})
    assert review.next_steps.get().description == "Quote offsite backup"
