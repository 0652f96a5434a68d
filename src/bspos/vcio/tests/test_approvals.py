"""The client approves or declines proposed roadmap items through a link (no login) or the portal: exactly the
items on it, once; an expired, withdrawn or reused link changes nothing; the vCIO is told; another company's
contact meets 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bspos.audit.models import AuditEvent
from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.notifications.models import Event, Notification
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.vcio import approvals
from bspos.vcio.models import ApprovalLink, RoadmapDecision, RoadmapItem
from bspos.vcio.tests.factories import RoadmapItemFactory

pytestmark = pytest.mark.django_db
PROPOSED, PLANNED, CANCELLED = RoadmapItem.Status.PROPOSED, RoadmapItem.Status.PLANNED, RoadmapItem.Status.CANCELLED


@pytest.fixture
def vcio():
    return UserFactory(role=Role.VCIO, username="vcio-ann")


def status(item):
    item.refresh_from_db()
    return item.status


def test_the_vcio_creates_a_link_shown_once_and_only_its_hash_is_kept(client, vcio):
    company = ClientFactory()
    first, second = RoadmapItemFactory(client=company), RoadmapItemFactory(client=company)
    client.force_login(vcio)
    client.post(reverse("vcio:approval-new", args=[company.pk]), {"items": [first.pk], "sent_to_name": "Ceo Smith",
                                                                    "sent_to": "ceo@client.test", "days": "7"})
    page = client.get(reverse("vcio:roadmap", args=[company.pk])).content.decode()
    url = page.split('<code class="secret">')[1].split("</code>")[0]
    link = ApprovalLink.objects.get()
    assert list(link.items.all()) == [first] and link.token_hash not in url
    assert '<code class="secret">' not in client.get(reverse("vcio:roadmap", args=[company.pk])).content.decode()
    refused = client.post(reverse("vcio:approval-new", args=[company.pk]), {"sent_to_name": "x"}, follow=True)
    assert "Tick the proposed items" in refused.content.decode() and ApprovalLink.objects.count() == 1
    assert second.pk not in link.items.values_list("pk", flat=True)


def test_a_decision_through_the_link_changes_exactly_its_items_once_and_tells_the_vcio(client, vcio):
    company = ClientFactory()
    approve, decline, not_sent = (RoadmapItemFactory(client=company, title=t) for t in ("Backup", "Wi-Fi", "CRM"))
    other = RoadmapItemFactory()  # another client's
    _, token = approvals.create_approval_link(client=company, items=[approve, decline], by=vcio)
    url = reverse("approval", args=[token])
    page = client.get(url).content.decode()
    assert "Backup" in page and "Wi-Fi" in page and "CRM" not in page
    response = client.post(url, {"name": "Ceo Smith", f"decision-{approve.pk}": "approved",
                                 f"decision-{decline.pk}": "declined", f"comment-{decline.pk}": "Next year",
                                 f"decision-{not_sent.pk}": "approved", f"decision-{other.pk}": "approved"})
    assert response.status_code == 302
    assert [status(i) for i in (approve, decline, not_sent, other)] == [PLANNED, CANCELLED, PROPOSED, PROPOSED]
    declined = RoadmapDecision.objects.get(item=decline)
    assert (declined.decided_by_name, declined.comment, declined.decision) == ("Ceo Smith", "Next year", "declined")
    assert AuditEvent.objects.filter(object_id=approve.pk, changes__status=[PROPOSED, PLANNED]).exists()
    told = Notification.objects.get(recipient=vcio)
    assert told.event == Event.ROADMAP_DECIDED and "approved 1 and declined 1" in told.text and told.ticket is None
    assert "Ceo Smith" in client.get(url).content.decode()

    again = client.post(url, {"name": "Someone else", f"decision-{approve.pk}": "declined"})
    assert again.status_code == 400 and "already decided" in again.content.decode()
    assert status(approve) == PLANNED and RoadmapDecision.objects.count() == 2


def test_a_refused_submission_keeps_what_was_typed_and_changes_nothing(client, vcio):
    item = RoadmapItemFactory()
    _, token = approvals.create_approval_link(client=item.client, by=vcio)
    response = client.post(reverse("approval", args=[token]), {"name": " ", f"decision-{item.pk}": "approved",
                                                                f"comment-{item.pk}": "Go ahead"})
    assert response.status_code == 400 and "Give your name" in response.content.decode()
    assert "Go ahead" in response.content.decode() and status(item) == PROPOSED


def test_an_expired_or_withdrawn_link_changes_nothing(client, vcio):
    item = RoadmapItemFactory()
    expired, expired_token = approvals.create_approval_link(client=item.client, by=vcio)
    ApprovalLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    withdrawn, withdrawn_token = approvals.create_approval_link(client=item.client, by=vcio)
    approvals.revoke_approval_link(link=withdrawn, by=vcio)
    for token, reason in ((expired_token, "expired"), (withdrawn_token, "withdrawn"), ("guess", "not valid")):
        response = client.post(reverse("approval", args=[token]), {"name": "X", f"decision-{item.pk}": "approved"})
        assert response.status_code == 410 and reason in response.content.decode()
    assert status(item) == PROPOSED and not RoadmapDecision.objects.exists()


def test_an_item_decided_elsewhere_cannot_be_decided_again_through_an_old_link(client, vcio):
    item = RoadmapItemFactory()
    _, old = approvals.create_approval_link(client=item.client, by=vcio)
    _, new = approvals.create_approval_link(client=item.client, by=vcio)
    client.post(reverse("approval", args=[new]), {"name": "Ceo", f"decision-{item.pk}": "declined"})
    item.status = PROPOSED  # the vCIO proposes it again after the decline
    item.save()
    response = client.post(reverse("approval", args=[old]), {"name": "Ceo", f"decision-{item.pk}": "approved"})
    assert response.status_code == 400 and status(item) == PROPOSED
    assert RoadmapDecision.objects.count() == 1


def test_a_contact_decides_in_the_portal_and_another_companys_contact_meets_404(client, vcio):
    item = RoadmapItemFactory()
    link, _ = approvals.create_approval_link(client=item.client, by=vcio)
    outsider = ContactFactory(user=UserFactory(role=Role.CLIENT_CONTACT))
    client.force_login(outsider.user)
    portal = reverse("portal:it-plan-approvals")
    assert item.title not in client.get(portal).content.decode()
    assert client.post(portal, {"link": link.pk, f"decision-{item.pk}": "approved"}).status_code == 404
    for url in (reverse("vcio:approval-new", args=[item.client_id]), reverse("vcio:approval-revoke", args=[link.pk])):
        assert client.post(url).status_code == 404
    assert status(item) == PROPOSED

    insider = ContactFactory(client=item.client, first_name="Dana", user=UserFactory(role=Role.CLIENT_CONTACT))
    client.force_login(insider.user)
    assert "1 item(s) of your roadmap wait" in client.get(reverse("portal:it-plan")).content.decode()
    assert item.title in client.get(portal).content.decode()
    assert client.post(portal, {"link": link.pk, f"decision-{item.pk}": "approved"}).status_code == 302
    decision = RoadmapDecision.objects.get()
    assert status(item) == PLANNED and decision.decided_by == insider.user and decision.decided_by_name == "Dana Jones"


def test_links_and_decisions_over_the_api(client, vcio):
    item = RoadmapItemFactory()
    client.force_login(vcio)
    created = client.post(f"/api/v1/clients/{item.client_id}/approval-links", {"sent_to_name": "Ceo"},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["item_ids"] == [item.pk]
    assert "/approve/" in created.json()["url"]
    foreign = RoadmapItemFactory()
    refused = client.post(f"/api/v1/clients/{item.client_id}/approval-links", {"item_ids": [foreign.pk]},
                          content_type="application/json")
    assert refused.status_code == 422 and ApprovalLink.objects.count() == 1
    listed = client.get(f"/api/v1/clients/{item.client_id}/approval-links").json()
    assert [row["url"] for row in listed] == [None]  # the token is never shown again
    token = created.json()["url"].rsplit("/approve/", 1)[1].strip("/")
    client.post(reverse("approval", args=[token]), {"name": "Ceo", f"decision-{item.pk}": "approved"})
    decisions = client.get(f"/api/v1/clients/{item.client_id}/roadmap-decisions").json()["items"]
    assert [(d["item_id"], d["decision"], d["decided_by_name"]) for d in decisions] == [(item.pk, "approved", "Ceo")]
    assert client.delete(f"/api/v1/approval-links/{created.json()['id']}").status_code == 204
