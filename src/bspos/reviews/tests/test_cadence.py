"""Every active client has a review due 90 days after the last one held; completion counts reviews held on time."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bspos.clients.models import Client, ClientStatus
from bspos.reviews import selectors, services
from bspos.reviews.models import Review
from bspos.reviews.tests.builders import TODAY, company, history, ticket, vcio

pytestmark = pytest.mark.django_db


def test_an_active_client_gets_its_first_review_90_days_after_onboarding_and_only_one(db):
    acme = company(since=date(2026, 9, 1))
    Client.objects.create(name="Prospect Co", status=ClientStatus.PROSPECT)
    assert services.plan_reviews() == 1
    assert services.plan_reviews() == 0  # planning again duplicates nothing
    review = Review.objects.get()
    assert (review.client, review.due_on, review.status, review.vcio) == (acme, date(2026, 11, 30), "planned",
                                                                         acme.account_manager)


def test_holding_a_review_plans_the_next_one_90_days_later(db):
    acme = company(since=date(2026, 6, 1))
    services.plan_reviews()
    first = Review.objects.get()
    services.hold(first, held_on=date(2026, 8, 25), today=TODAY)
    first.refresh_from_db()
    assert first.status == "held" and first.on_time  # due 30 Aug, held 25 Aug
    following = Review.objects.get(client=acme, status="planned")
    assert following.due_on == date(2026, 11, 23)
    with pytest.raises(ValidationError, match="already held"):
        services.hold(first, held_on=date(2026, 8, 26), today=TODAY)


def test_a_review_held_late_is_not_on_time_and_a_missed_one_counts_against_completion(db):
    on_time, late, missed = company("On time"), company("Late"), company("Missed")
    for client in (on_time, late, missed):
        Review.objects.create(client=client, due_on=date(2026, 8, 15))
    Review.objects.create(client=company("Not due yet"), due_on=date(2026, 12, 20))  # in Q4, not yet due
    services.hold(Review.objects.get(client=on_time), held_on=date(2026, 8, 15), today=TODAY)
    services.hold(Review.objects.get(client=late), held_on=date(2026, 8, 16), today=TODAY)
    services.mark_missed(Review.objects.get(client=missed))
    assert not Review.objects.get(client=late, status="held").on_time
    quarters = {q["label"]: q for q in selectors.completion_by_quarter(Review.objects.all(), TODAY)}
    q3 = quarters["2026 Q3"]
    assert (q3["due"], q3["on_time"], q3["late"], q3["missed"], q3["rate"]) == (3, 1, 1, 1, Decimal("33.3"))
    assert not q3["meets_line"]
    # The next reviews fall due in Q4 (13 and 14 Nov, 13 Nov for the missed one): overdue now, so due.
    q4 = quarters["2026 Q4"]
    assert (q4["due"], q4["on_time"]) == (3, 0)
    assert list(quarters) == ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"]


def test_eight_of_ten_held_on_time_meets_the_80_percent_line(db):
    for index in range(10):
        review = Review.objects.create(client=company(f"Client {index}"), due_on=date(2026, 9, 30))
        services.hold(review, held_on=date(2026, 9, 30) + timedelta(days=0 if index < 8 else 3), today=TODAY)
    q3 = next(q for q in selectors.completion_by_quarter(Review.objects.all(), TODAY) if q["label"] == "2026 Q3")
    assert q3["rate"] == 80 and q3["meets_line"]


def test_a_review_cannot_be_held_in_the_future_or_before_the_last_one(db):
    acme = company()
    review = Review.objects.create(client=acme, due_on=date(2026, 12, 1))
    with pytest.raises(ValidationError, match="future"):
        services.hold(review, held_on=TODAY + timedelta(days=1), today=TODAY)
    services.hold(review, held_on=date(2026, 11, 1), today=TODAY)
    following = Review.objects.get(client=acme, status="planned")
    with pytest.raises(ValidationError, match="previous review was held"):
        services.hold(following, held_on=date(2026, 10, 1), today=TODAY)
    assert Review.objects.get(pk=following.pk).status == "planned"


def test_the_pack_is_frozen_when_the_review_is_held(db):
    acme = company()
    history(acme)
    review = Review.objects.create(client=acme, due_on=date(2026, 10, 1))
    services.hold(review, held_on=date(2026, 10, 1), today=TODAY)
    ticket(acme, date(2026, 9, 10))  # recorded afterwards, inside the period
    review.refresh_from_db()
    assert review.pack["tickets"]["total"] == 5 and review.pack["sla"]["compliance"] == "66.7"
    assert selectors.pack_of(review)["tickets"]["total"] == 5  # the report shows what was presented
    assert selectors.data_pack(review, TODAY)["tickets"]["total"] == 6


def test_overdue_due_soon_and_scheduled_lists(db):
    overdue = Review.objects.create(client=company("Overdue"), due_on=TODAY - timedelta(days=3))
    soon = Review.objects.create(client=company("Soon"), due_on=TODAY + timedelta(days=10),
                                 scheduled_at=timezone.now() + timedelta(days=9))
    Review.objects.create(client=company("Later"), due_on=TODAY + timedelta(days=60))
    reviews = selectors.reviews_for(vcio())
    counts = selectors.cadence_counts(reviews, TODAY)
    assert (counts["overdue"], counts["due"], counts["scheduled"]) == (1, 1, 1)
    assert list(selectors.cadence_list(reviews, "overdue", TODAY)) == [overdue]
    assert list(selectors.cadence_list(reviews, "scheduled", TODAY)) == [soon]


def test_the_owner_sees_the_completion_rate_on_the_health_page(client):
    from django.urls import reverse

    from bspos.people.models import Role, User

    today = timezone.localdate()
    due = today - timedelta(days=20)
    for index, late in enumerate([False, False, False, True]):
        review = Review.objects.create(client=company(f"Client {index}"), due_on=due)
        services.hold(review, held_on=due + timedelta(days=5 if late else 0), today=today)
    client.force_login(User.objects.create_user(username="olivia", role=Role.OWNER))
    page = client.get(reverse("scorecard:owner")).content.decode()
    assert "Strategic Business Review completion" in page and "75.0%" in page
