"""Review planning happens where a review becomes needed (a client made active, a review held or missed) and in the
daily `bspos plan-reviews`; reading the reviews pages or the API never writes."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bspos.clients.models import Client, ClientStatus
from bspos.clients.signals import client_status_changed
from bspos.clients.tests.factories import ClientFactory
from bspos.reviews import services
from bspos.reviews.models import Review
from bspos.reviews.tests.factories import RecommendationFactory, ReviewFactory, VcioFactory

pytestmark = pytest.mark.django_db
WRITES = ("INSERT", "UPDATE", "DELETE")


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_a_client_that_becomes_active_gets_its_first_review_through_the_signal():
    company = ClientFactory(status=ClientStatus.PROSPECT, client_since=date(2026, 9, 1))
    assert not Review.objects.exists()
    Client.objects.filter(pk=company.pk).update(status=ClientStatus.ACTIVE)
    company.refresh_from_db()
    client_status_changed.send(sender=Client, client=company, previous=ClientStatus.PROSPECT,
                               status=ClientStatus.ACTIVE)
    review = Review.objects.get(client=company)
    assert (review.status, review.due_on) == ("planned", date(2026, 11, 30))  # 90 days after onboarding
    client_status_changed.send(sender=Client, client=company, previous=ClientStatus.PROSPECT,
                               status=ClientStatus.ACTIVE)
    assert Review.objects.filter(client=company).count() == 1  # sent twice, planned once


def test_a_client_that_churns_gets_no_review():
    company = ClientFactory(status=ClientStatus.CHURNED, churned_on=date(2026, 10, 31))
    client_status_changed.send(sender=Client, client=company, previous=ClientStatus.ACTIVE,
                               status=ClientStatus.CHURNED)
    assert not Review.objects.exists()


def test_holding_keeps_the_vcio_the_review_had_for_the_next_one():
    vcio = VcioFactory()
    review = ReviewFactory(vcio=vcio, due_on=date(2026, 10, 1))
    services.hold(review, held_on=date(2026, 9, 28), today=date(2026, 11, 20))
    following = Review.objects.get(client=review.client, status="planned")
    assert (following.due_on, following.vcio) == (date(2026, 12, 27), vcio)


def test_the_daily_command_plans_every_active_client_once(capsys):
    ClientFactory.create_batch(2)
    ClientFactory(status=ClientStatus.PROSPECT)
    call_command("plan-reviews")
    call_command("plan-reviews")
    assert Review.objects.filter(status="planned").count() == 2
    assert capsys.readouterr().out.splitlines() == ["2 reviews planned.", "0 reviews planned."]


def test_reading_the_reviews_pages_and_api_writes_nothing(client):
    ClientFactory()  # active, with no review planned yet: a read must not plan it
    held = ReviewFactory(status="held", held_on=date(2026, 9, 30), due_on=date(2026, 10, 1))
    RecommendationFactory(review=held)
    planned = ReviewFactory()
    client.force_login(VcioFactory())
    pages = [reverse("reviews:cadence"), reverse("reviews:cadence") + "?show=held&q=Client",
             reverse("reviews:review", args=[held.pk]), reverse("reviews:review", args=[planned.pk]),
             reverse("reviews:client", args=[planned.client_id]), reverse("reviews:pdf", args=[held.pk]),
             "/api/v1/reviews", "/api/v1/reviews/completion", f"/api/v1/reviews/{planned.pk}",
             f"/api/v1/reviews/{planned.pk}/pack"]
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code in (200, 302), url
        assert writes(queries.captured_queries) == [], url
    assert Review.objects.count() == 2


def test_bad_filters_are_ignored_on_the_page_and_refused_by_the_api(client):
    ReviewFactory(client=ClientFactory(name="Acme"), due_on=date(2026, 10, 1))
    client.force_login(VcioFactory())
    page = client.get(reverse("reviews:cadence"), {"q": "Ac\x00me", "vcio": str(2**70), "show": "planned"})
    text = page.content.decode()
    assert page.status_code == 200 and "Some filters were ignored" in text and "Acme" in text
    for params in ({"q": "a\x00b"}, {"vcio": str(2**70)}, {"client": "x"}, {"show": "soon"}):
        response = client.get("/api/v1/reviews", params)
        assert response.status_code == 422, params
        assert set(response.json()["errors"]) == set(params)
    found = client.get("/api/v1/reviews", {"q": "acm", "show": "planned"}).json()
    assert [row["client"] for row in found["items"]] == ["Acme"]
