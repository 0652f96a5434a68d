"""One-on-ones and quarterly reviews: planned per hat wearer, next due and overdue, completion per quarter."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from bspos.leadership import selectors, services
from bspos.leadership.models import Conversation
from bspos.leadership.tests.factories import HatFactory, MetricFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


@given(on_time=st.integers(0, 500), extra=st.integers(0, 500))
def test_completion_is_on_time_over_due_to_one_place(on_time, extra):
    due = on_time + extra
    rate = selectors.completion_rate(on_time, due)
    if due == 0:
        assert rate is None
    else:
        assert Decimal(0) <= rate <= Decimal(100)
        assert abs(rate - Decimal(on_time * 100) / due) <= Decimal("0.05")


def test_completion_per_quarter_counts_held_on_time_late_and_missed():
    owner = UserFactory(role=Role.OWNER)
    people = [UserFactory() for _ in range(4)]
    months = [date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)]
    conversations = [services.schedule_conversation(kind=Conversation.Kind.ONE_ON_ONE, person=p, period_start=m,
                                                    by=owner) for p in people for m in months]
    assert len(conversations) == 12 and conversations[0].due_on == date(2026, 7, 31)
    for c in conversations[:8]:
        services.hold_conversation(c, held_on=c.due_on, by=owner)
    services.hold_conversation(conversations[8], held_on=date(2026, 10, 5), by=owner)  # late
    for c in conversations[9:11]:
        services.miss_conversation(c, by=owner)
    # conversations[11]: still planned and past due: overdue, counted as due
    q3 = next(q for q in selectors.completion_by_quarter(TODAY) if q["label"] == "2026 Q3")
    assert (q3["due"], q3["on_time"], q3["missed"], q3["rate"]) == (12, 8, 2, Decimal("66.7"))
    assert [c.pk for c in selectors.cadence(TODAY)["overdue"]] == [conversations[11].pk]


def test_a_review_shows_the_persons_hats_metrics_and_both_sides_answers(client):
    owner = UserFactory(role=Role.OWNER)
    tech = UserFactory(first_name="Sam")
    MetricFactory(hat=HatFactory(name="Service delivery", owner=tech), live="", name="First-call fixes",
                  target=Decimal("20"))
    client.force_login(owner)
    client.post(reverse("leadership:conversations"))
    review = Conversation.objects.get(kind=Conversation.Kind.QUARTERLY, person=tech)
    response = client.post(reverse("leadership:conversation", args=[review.pk]), {
        "person_working": "The new runbooks", "manager_working": "Faster resolutions", "held_on": "2026-11-19"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Conversation.Status.HELD and review.manager_working == "Faster resolutions"
    page = client.get(reverse("leadership:conversation", args=[review.pk])).content.decode()
    assert "First-call fixes" in page and "The new runbooks" in page and "Faster resolutions" in page
    client.force_login(tech)  # the person writes their own side only
    client.post(reverse("leadership:conversation", args=[review.pk]), {
        "person_working": "Pairing", "manager_working": "changed by Sam"})
    review.refresh_from_db()
    assert review.person_working == "Pairing" and review.manager_working == "Faster resolutions"


def test_a_review_lists_the_companys_core_values_and_the_plan_its_bhag(client):
    from bspos.foundation.models import CoreValue, Vision

    owner = UserFactory(role=Role.OWNER)
    CoreValue.objects.create(name="Own the outcome", behaviour="We finish what we start.")
    Vision.objects.create(bhag="Sixty law firms at 60% margin", target_date=date(2030, 12, 31), set_on=TODAY)
    review = services.schedule_conversation(kind=Conversation.Kind.QUARTERLY, person=UserFactory(),
                                            period_start=TODAY, by=owner)
    client.force_login(owner)
    page = client.get(reverse("leadership:conversation", args=[review.pk])).content.decode()
    assert "Own the outcome" in page and "We finish what we start." in page
    assert "Sixty law firms at 60% margin" in client.get(reverse("leadership:plan-year", args=[2026])).content.decode()
