"""An accepted SBR recommendation becomes a project in one click: through its roadmap item, so the review and the
roadmap name the same project; the project links back to the review; audited."""

import pytest
from django.urls import reverse

from bspos.audit.services import history
from bspos.projects.models import Project
from bspos.reviews import services
from bspos.reviews.tests.factories import RecommendationFactory, VcioFactory
from bspos.vcio.models import RoadmapItem

pytestmark = pytest.mark.django_db


def test_an_accepted_recommendation_becomes_one_project_shown_on_the_review_and_the_roadmap(client):
    vcio = VcioFactory()
    client.force_login(vcio)
    recommendation = RecommendationFactory(title="Test the backups monthly")
    review = recommendation.review
    review_url = reverse("reviews:review", args=[review.pk])
    assert "Make it a project" not in client.get(review_url).content.decode()  # not decided yet
    services.decide(recommendation, "accepted", by=vcio)
    assert "Make it a project" in client.get(review_url).content.decode()
    response = client.post(reverse("reviews:recommendation-project", args=[recommendation.pk]))
    project = Project.objects.get()
    assert response.url == reverse("projects:detail", args=[project.pk])
    recommendation.refresh_from_db()
    assert project.origin == f"roadmap-item:{recommendation.roadmap_item_id}" and project.client == review.client
    assert "Backups are not tested" in project.description and "Avoids a week of lost work" in project.description
    assert recommendation.roadmap_item.status == RoadmapItem.Status.IN_PROGRESS
    page = client.get(response.url).content.decode()
    assert f'<a href="{review_url}#recommendations">SBR recommendation “Test the backups monthly”' in page
    reviewed = client.get(review_url).content.decode()
    assert f'href="/projects/{project.pk}/">{project.reference}</a>' in reviewed and "Make it a project" not in reviewed
    roadmap = client.get(reverse("vcio:roadmap", args=[review.client_id])).content.decode()
    assert f'href="/projects/{project.pk}/">{project.reference}</a>' in roadmap
    client.post(reverse("vcio:item-project", args=[recommendation.roadmap_item_id]))
    assert Project.objects.count() == 1  # the roadmap's button finds the same project
    assert [event.actor for event in history(project)] == [vcio]


def test_a_declined_recommendation_is_not_made_a_project(client):
    vcio = VcioFactory()
    client.force_login(vcio)
    recommendation = RecommendationFactory(title="Buy a firewall")
    services.decide(recommendation, "declined", by=vcio)
    refused = client.post(reverse("reviews:recommendation-project", args=[recommendation.pk]), follow=True)
    assert "only an accepted recommendation becomes a project" in refused.content.decode()
    assert not Project.objects.exists()
