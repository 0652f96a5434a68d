"""Findings to work: one action opens a ticket for a roadmap item or an assessment's weak answer, linked both ways;
the roadmap shows the ticket's status; once the ticket is closed the item is offered as done."""

import pytest
from django.urls import reverse

from bspos.clients.tests.factories import ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk.models import Status, Ticket
from bspos.servicedesk.services import change_status
from bspos.vcio.models import RoadmapItem
from bspos.vcio.tests.factories import AssessmentFactory, RoadmapItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vcio(client):
    user = UserFactory(role=Role.VCIO)
    client.force_login(user)
    return user


def test_a_planned_item_becomes_a_ticket_in_one_action_linked_both_ways(client, vcio):
    item = RoadmapItemFactory(title="Offsite backup", problem="No copy outside the office.",
                              status=RoadmapItem.Status.PLANNED)
    response = client.post(reverse("vcio:item-ticket", args=[item.pk]))
    ticket = Ticket.objects.get()
    assert response.url == reverse("servicedesk:ticket", args=[ticket.number])
    item.refresh_from_db()
    assert item.ticket == ticket and item.status == RoadmapItem.Status.IN_PROGRESS
    assert ticket.client == item.client and ticket.subject == "Roadmap: Offsite backup"
    assert "No copy outside the office." in ticket.description and f"/vcio/clients/{item.client_id}/roadmap/" in \
        ticket.description
    panel = client.get(reverse("vcio:ticket-panel", args=[ticket.number])).content.decode()
    assert "Offsite backup" in panel and "Mark the roadmap item done" not in panel
    roadmap = client.get(reverse("vcio:roadmap", args=[item.client_id])).content.decode()
    assert f"#{ticket.number}</a> New" in roadmap
    again = client.post(reverse("vcio:item-ticket", args=[item.pk]), follow=True)
    assert "already has ticket" in again.content.decode() and Ticket.objects.count() == 1


def test_closing_the_ticket_offers_to_mark_the_item_done(client, vcio):
    item = RoadmapItemFactory(status=RoadmapItem.Status.PLANNED)
    client.post(reverse("vcio:item-ticket", args=[item.pk]))
    ticket = Ticket.objects.get()
    change_status(ticket, Status.RESOLVED, by=vcio, resolution="Installed and tested.")
    panel = client.get(reverse("vcio:ticket-panel", args=[ticket.number])).content.decode()
    assert "Mark the roadmap item done" in panel
    assert "Mark done" in client.get(reverse("vcio:roadmap", args=[item.client_id])).content.decode()
    client.post(reverse("vcio:item-done", args=[item.pk]),
                {"next": reverse("servicedesk:ticket", args=[ticket.number])})
    item.refresh_from_db()
    assert item.status == RoadmapItem.Status.DONE
    assert "Mark the roadmap item done" not in client.get(reverse("vcio:ticket-panel", args=[ticket.number])
                                                          ).content.decode()


def test_a_weak_answer_becomes_a_ticket_through_its_roadmap_item(client, vcio):
    assessment = AssessmentFactory()
    client.post(reverse("vcio:answer-ticket", args=[assessment.pk, "cont-backup"]))
    item = RoadmapItem.objects.get()
    assert (item.question, item.assessment, item.ticket) == ("cont-backup", assessment, Ticket.objects.get())
    page = client.get(reverse("vcio:assessment", args=[assessment.pk])).content.decode()
    assert f"#{item.ticket.number}</a> New" in page
    refused = client.post(reverse("vcio:answer-ticket", args=[assessment.pk, "no-such"]), follow=True)
    assert "No question" in refused.content.decode() and Ticket.objects.count() == 1


def test_work_over_the_api_and_a_contact_meets_404(client, vcio):
    item = RoadmapItemFactory()
    created = client.post(f"/api/v1/roadmap-items/{item.pk}/ticket")
    assert created.status_code == 201 and created.json()["item"]["ticket_status"] == "new"
    assert client.post(f"/api/v1/roadmap-items/{item.pk}/done").json()["status"] == "done"
    contact = ContactFactory(client=item.client, user=UserFactory(role=Role.CLIENT_CONTACT))
    client.force_login(contact.user)
    for url in (reverse("vcio:item-ticket", args=[item.pk]), reverse("vcio:item-done", args=[item.pk])):
        assert client.post(url).status_code == 404
    assert client.get(reverse("vcio:ticket-panel", args=[created.json()["ticket_number"]])).status_code == 404
