"""Recommendations: suggested from evidence, each with problem, ROI, investment and timeline; accepted → roadmap."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bspos.reviews import services
from bspos.reviews.models import Recommendation, Review
from bspos.reviews.tests.builders import TODAY, company, history, review
from bspos.vcio.models import RoadmapItem, RoadmapStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned():
    acme = company()
    history(acme)
    return review(acme)


def test_the_data_suggests_a_hardware_refresh_and_fixing_a_recurring_issue_with_their_numbers(planned):
    assert services.add_suggestions(planned) == 2
    by_rule = {r.suggestion: r for r in planned.recommendations.all()}
    refresh = by_rule["hardware-refresh"]
    assert refresh.one_time == Decimal("2000.00")  # the refresh estimate: two workstations at 1,000
    assert refresh.roi == Decimal("4055.56")  # 10 h on those devices × 100/h × 365/90 days
    assert refresh.quarter == date(2027, 1, 1)  # the quarter after the meeting
    recurring = by_rule["recurring-hardware"]
    assert (recurring.roi, recurring.one_time) == (Decimal("4055.56"), Decimal("1600.00"))  # 16 h fix × 100/h
    assert "3 hardware tickets took 10.0 h" in recurring.business_problem
    assert services.add_suggestions(planned) == 0  # asking again adds nothing twice


def test_an_assessment_area_far_below_target_suggests_its_roadmap_item(planned):
    from bspos.vcio.models import Assessment, AssessmentTemplate, Target
    from bspos.vcio.services import import_built_in

    import_built_in()
    assessment = Assessment.objects.create(client=planned.client, template=AssessmentTemplate.objects.get(key="7c"))
    Target.objects.create(assessment=assessment, area="continuous", score=80)  # nothing answered: scores 0
    item = RoadmapItem.objects.filter(client=planned.client, area="Continuous").get()
    services.add_suggestions(planned)
    gap = planned.recommendations.get(suggestion="roadmap-continuous")
    assert (gap.title, gap.roadmap_item, gap.one_time) == (item.title, item, item.one_time)
    assert "a gap of 80" in gap.business_problem


def test_accepting_puts_it_on_the_roadmap_and_declining_later_cancels_it(planned):
    recommendation = services.save_recommendation(Recommendation(
        review=planned, title="Move file shares to SharePoint", area="Controlled", business_problem="Shares sprawl",
        roi=Decimal("3000"), one_time=Decimal("4500"), monthly=Decimal("30"), quarter=date(2027, 2, 10)))
    assert recommendation.quarter == date(2027, 1, 1)
    services.decide(recommendation, "accepted")
    item = RoadmapItem.objects.get(title="Move file shares to SharePoint")
    assert (item.status, item.one_time, item.monthly, item.quarter, item.area) == (
        RoadmapStatus.PLANNED, Decimal("4500.00"), Decimal("30.00"), date(2027, 1, 1), "Controlled")
    services.decide(recommendation, "declined")
    item.refresh_from_db()
    assert item.status == RoadmapStatus.CANCELLED


def test_a_recommendation_without_an_investment_or_a_problem_is_refused_and_nothing_is_saved(planned):
    with pytest.raises(ValidationError) as refused:
        services.save_recommendation(Recommendation(review=planned, title="Vague idea", business_problem="",
                                                    quarter=date(2027, 1, 1)))
    assert "business problem" in str(refused.value) and "investment" in str(refused.value)
    assert "return per year" in str(refused.value)
    assert not Recommendation.objects.exists()


def test_an_incomplete_suggestion_cannot_be_accepted_until_it_is_completed(planned):
    suggestion = Recommendation.objects.create(review=planned, title="Raise Clear", business_problem="Gap",
                                               quarter=date(2027, 1, 1), suggestion="roadmap-clear")
    with pytest.raises(ValidationError, match="investment"):
        services.decide(suggestion, "accepted")
    assert Recommendation.objects.get(pk=suggestion.pk).decision == "pending"
    assert not RoadmapItem.objects.filter(title="Raise Clear").exists()


def test_the_next_review_opens_with_the_previous_recommendations_and_next_steps(planned):
    recommendation = services.save_recommendation(Recommendation(
        review=planned, title="MFA everywhere", business_problem="Phishing", roi_basis="Risk", monthly=Decimal("40"),
        quarter=date(2027, 1, 1)))
    services.decide(recommendation, "accepted")
    step = services.add_next_step(planned, description="Send MFA rollout plan", owner="Vic (vCIO)",
                                  due_on=date(2026, 10, 15))
    services.hold(planned, held_on=date(2026, 10, 1), today=TODAY)
    following = Review.objects.get(client=planned.client, status="planned")
    objectives = services.previous_objectives(following)
    assert objectives["review"] == planned
    assert [(r.title, r.decision, r.roadmap_item.status) for r in objectives["recommendations"]] == [
        ("MFA everywhere", "accepted", RoadmapStatus.PLANNED)]
    assert objectives["next_steps"] == [step]
    services.set_step_done(step, True)
    assert services.previous_objectives(following)["next_steps"][0].done
