"""The SBR API: cadence, pack, schedule → hold → publish, recommendations and decisions; bad input changes nothing."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from bspos.api.services import create_token
from bspos.people.models import Role, User
from bspos.reviews import services
from bspos.reviews.models import Review
from bspos.reviews.tests.builders import company, history, vcio
from bspos.vcio.models import RoadmapItem

pytestmark = pytest.mark.django_db


def bearer(user: User, scope: str = "write") -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=user, name='t', scope=scope)[1]}"}


def test_a_review_through_the_api(client):
    acme = company()
    history(acme)
    services.plan_reviews()  # the daily run plans the review of a client made active without the service
    auth = bearer(vcio())
    listed = client.get("/api/v1/reviews?show=planned", **auth).json()
    review_id = next(row["id"] for row in listed["items"] if row["client_id"] == acme.pk)
    pack = client.get(f"/api/v1/reviews/{review_id}/pack", **auth).json()
    assert set(pack) >= {"tickets", "sla", "recurring", "alerts", "hours", "assets", "assessments", "roadmap", "money"}

    meeting = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    naive = client.post(f"/api/v1/reviews/{review_id}/schedule", {"scheduled_at": "2026-12-01T10:00:00"},
                        content_type="application/json", **auth)
    assert naive.status_code == 422 and Review.objects.get(pk=review_id).scheduled_at is None
    scheduled = client.post(f"/api/v1/reviews/{review_id}/schedule", {"scheduled_at": meeting.isoformat()},
                            content_type="application/json", **auth)
    assert scheduled.status_code == 200
    assert client.get(f"/api/v1/reviews/{review_id}/invite.ics", **auth).content.startswith(b"BEGIN:VCALENDAR")

    incomplete = client.post(f"/api/v1/reviews/{review_id}/recommendations",
                             {"title": "Idea", "quarter": "2027-01-01"}, content_type="application/json", **auth)
    assert incomplete.status_code == 422 and "investment" in incomplete.json()["detail"]
    added = client.post(f"/api/v1/reviews/{review_id}/recommendations",
                        {"title": "Replace firewall", "area": "Controlled", "business_problem": "Out of support",
                         "roi_basis": "Avoids a breach", "one_time": "2400.00", "quarter": "2027-02-01"},
                        content_type="application/json", **auth).json()
    decided = client.post(f"/api/v1/recommendations/{added['id']}/decision", {"decision": "accepted"},
                          content_type="application/json", **auth).json()
    assert RoadmapItem.objects.get(pk=decided["roadmap_item_id"]).title == "Replace firewall"

    held = client.post(f"/api/v1/reviews/{review_id}/hold", {"held_on": timezone.localdate().isoformat()},
                       content_type="application/json", **auth).json()
    assert held["status"] == "held" and held["on_time"] is (timezone.localdate() <= date.fromisoformat(
        held["due_on"]))
    published = client.post(f"/api/v1/reviews/{review_id}/publish", {"published": True},
                            content_type="application/json", **auth).json()
    assert published["published"]
    quarters = client.get("/api/v1/reviews/completion?quarters=12", **auth).json()
    assert len(quarters) == 12 and sum(q["due"] for q in quarters) == 1  # due 1 Apr 2025, held today


def test_read_tokens_and_technicians_cannot_change_reviews(client):
    review = Review.objects.create(client=company(), due_on=date(2026, 12, 1))
    tech = User.objects.create_user(username="tech2", role=Role.TECHNICIAN)
    for auth in (bearer(vcio(), scope="read"), bearer(tech)):
        response = client.post(f"/api/v1/reviews/{review.pk}/missed", **auth)
        assert response.status_code == 403
    assert Review.objects.get(pk=review.pk).status == "planned"
    assert client.get(f"/api/v1/reviews/{review.pk}", **bearer(tech)).status_code == 200
