"""The back office saves vCIO rows through the services: a roadmap item's quarter and owner rules hold there too,
and every change is audited."""

import pytest
from django.urls import reverse

from bspos.audit.models import AuditEvent
from bspos.clients.tests.factories import ClientFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.vcio.models import Party, RoadmapItem
from bspos.vcio.tests.factories import PartyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def back_office(client):
    client.force_login(UserFactory(role=Role.OWNER, is_staff=True, is_superuser=True))
    return client


def item(client, owner="", quarter="2027-05-20") -> dict:
    return {"client": client.pk, "assessment": "", "question": "", "area": "Continuous", "title": "Backups",
            "priority": "2", "quarter": quarter, "one_time": "100", "monthly": "0", "owner": owner,
            "status": "proposed"}


def test_a_roadmap_item_added_in_the_back_office_starts_its_quarter_and_is_audited(back_office):
    company = ClientFactory()
    assert back_office.post(reverse("admin:vcio_roadmapitem_add"), item(company)).status_code == 302
    saved = RoadmapItem.objects.get()
    assert str(saved.quarter) == "2027-04-01"
    assert AuditEvent.objects.filter(object_id=saved.pk, action="created", object_repr__contains="Backups").exists()


def test_another_clients_party_is_refused_as_owner_and_nothing_is_saved(back_office):
    company, foreign = ClientFactory(), PartyFactory()
    response = back_office.post(reverse("admin:vcio_roadmapitem_add"), item(company, owner=foreign.pk))
    assert response.status_code == 200 and "belongs to another client" in response.content.decode()
    assert not RoadmapItem.objects.exists()


def test_a_party_added_and_removed_in_the_back_office_is_audited(back_office):
    company = ClientFactory()
    back_office.post(reverse("admin:vcio_party_add"), {"client": company.pk, "name": "Accounting firm",
                                                       "kind": "vendor"})
    party = Party.objects.get(client=company, name="Accounting firm")
    back_office.post(reverse("admin:vcio_party_delete", args=[party.pk]), {"post": "yes"})
    assert not Party.objects.filter(pk=party.pk).exists()
    assert set(AuditEvent.objects.filter(object_id=party.pk, object_repr="Accounting firm").values_list(
        "action", flat=True)) == {"created", "deleted"}
