"""SBR completion per quarter: a review counts in the quarter it fell due or was held, whichever is earlier; held
on time means held on or before its due date; 80% on time meets the line."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bspos.reviews import selectors, services
from bspos.reviews.models import Review
from bspos.reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


def quarters() -> dict[str, dict]:
    return {q["label"]: q for q in selectors.completion_by_quarter(Review.objects.all(), TODAY)}


def test_a_review_held_early_counts_on_time_in_the_quarter_it_was_held():
    early = ReviewFactory(due_on=date(2027, 1, 10))  # due next quarter, held this one
    services.hold(early, held_on=date(2026, 11, 2), today=TODAY)
    late = ReviewFactory(due_on=date(2026, 8, 15))
    services.hold(late, held_on=date(2026, 10, 5), today=TODAY)
    missed = ReviewFactory(due_on=date(2026, 9, 1))
    services.mark_missed(missed)
    ReviewFactory(due_on=date(2026, 12, 20))  # planned, not yet due: counts nowhere

    q3, q4 = quarters()["2026 Q3"], quarters()["2026 Q4"]
    # Held late and missed count where they fell due, in Q3; neither is on time.
    assert (q3["due"], q3["on_time"], q3["late"], q3["missed"], q3["rate"]) == (2, 0, 1, 1, Decimal("0.0"))
    # Held early: due in Q1 2027 but counted in Q4 2026, where it was held, as on time.
    assert (q4["due"], q4["on_time"], q4["late"], q4["missed"], q4["rate"]) == (1, 1, 0, 0, Decimal("100.0"))
    assert q4["meets_line"] and not q3["meets_line"]


def test_held_on_the_due_date_is_on_time_and_a_day_later_is_late():
    on_the_day, a_day_late = ReviewFactory(due_on=date(2026, 8, 14)), ReviewFactory(due_on=date(2026, 8, 14))
    services.hold(on_the_day, held_on=date(2026, 8, 14), today=TODAY)
    services.hold(a_day_late, held_on=date(2026, 8, 15), today=TODAY)
    q3 = quarters()["2026 Q3"]
    assert (q3["due"], q3["on_time"], q3["late"]) == (2, 1, 1)


def test_eight_of_ten_on_time_meets_the_80_percent_line_and_seven_does_not():
    reviews = [ReviewFactory(due_on=date(2026, 9, 30)) for _ in range(10)]
    for index, review in enumerate(reviews):
        services.hold(review, held_on=date(2026, 9, 30) + timedelta(days=0 if index < 8 else 3), today=TODAY)
    q3 = quarters()["2026 Q3"]
    assert (q3["due"], q3["on_time"], q3["rate"], q3["meets_line"]) == (10, 8, Decimal("80.0"), True)

    Review.objects.filter(pk=reviews[0].pk).update(held_on=date(2026, 10, 2))  # now held late
    q3 = quarters()["2026 Q3"]
    assert (q3["on_time"], q3["rate"], q3["meets_line"]) == (7, Decimal("70.0"), False)


def test_the_last_four_quarters_are_listed_oldest_first_even_when_empty():
    assert list(quarters()) == ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"]
    assert all(q["due"] == 0 and q["rate"] is None for q in quarters().values())
