"""An accepted roadmap item becomes a project in one click, linked both ways and audited; a second click opens the
same project; a proposed item does not become one."""

import pytest
from django.urls import reverse

from bspos.audit.services import history
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.projects.models import Project
from bspos.vcio.models import RoadmapItem
from bspos.vcio.tests.factories import RoadmapItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vcio(client):
    user = UserFactory(role=Role.VCIO)
    client.force_login(user)
    return user


def test_an_accepted_item_becomes_a_project_in_one_click_linked_both_ways(client, vcio):
    item = RoadmapItemFactory(title="Replace the file server", problem="The server is out of warranty.",
                              status=RoadmapItem.Status.PLANNED)
    roadmap_url = reverse("vcio:roadmap", args=[item.client_id])
    assert "Make it a project" in client.get(roadmap_url).content.decode()
    response = client.post(reverse("vcio:item-project", args=[item.pk]))
    project = Project.objects.get()
    assert response.url == reverse("projects:detail", args=[project.pk])
    assert project.client == item.client and project.name == "Replace the file server"
    assert "The server is out of warranty." in project.description
    item.refresh_from_db()
    assert item.status == RoadmapItem.Status.IN_PROGRESS
    page = client.get(response.url).content.decode()
    assert f'<a href="{roadmap_url}">Roadmap item “Replace the file server”' in page
    roadmap = client.get(roadmap_url).content.decode()
    assert f'href="/projects/{project.pk}/">{project.reference}</a>' in roadmap and "Make it a project" not in roadmap
    [made] = history(project)
    assert made.actor == vcio and made.changes["origin"] == [None, f"roadmap-item:{item.pk}"]
    assert [event.actor for event in history(item)] == [vcio]  # planned → in progress, by the vCIO


def test_a_second_click_opens_the_same_project(client, vcio):
    item = RoadmapItemFactory(status=RoadmapItem.Status.IN_PROGRESS)
    first = client.post(reverse("vcio:item-project", args=[item.pk]))
    again = client.post(reverse("vcio:item-project", args=[item.pk]), follow=True)
    assert Project.objects.count() == 1 and again.redirect_chain[-1][0] == first.url
    assert "was already made" in again.content.decode()


def test_a_proposed_item_is_not_made_a_project_and_a_technician_cannot(client, vcio):
    item = RoadmapItemFactory(title="Maybe later", status=RoadmapItem.Status.PROPOSED)
    refused = client.post(reverse("vcio:item-project", args=[item.pk]), follow=True)
    assert "only an accepted (planned or in progress) roadmap item becomes a project" in refused.content.decode()
    assert not Project.objects.exists()
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    planned = RoadmapItemFactory(client=item.client, status=RoadmapItem.Status.PLANNED)
    assert client.post(reverse("vcio:item-project", args=[planned.pk])).status_code == 403
    assert not Project.objects.exists()
