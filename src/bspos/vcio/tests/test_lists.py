"""The assessments list and the roadmap API filter through one FilterSet each (bad values: ignored on the page
with a message, 422 in the API); the matrix CSV writes party names as text; a contact sees only their company."""

import csv
import io

import pytest
from django.urls import reverse

from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.vcio.models import RoadmapItem
from bspos.vcio.tests.factories import AssessmentFactory, PartyFactory, ResponsibilityFactory, RoadmapItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(role=Role.VCIO))
    return client


def test_a_party_named_as_a_formula_reaches_the_matrix_csv_as_text(staff):
    party = PartyFactory(name='=HYPERLINK("http://evil.example","Click")')
    ResponsibilityFactory(party=party, area="backup")
    response = staff.get(reverse("vcio:matrix-csv", args=[party.client_id]))
    assert response["Content-Disposition"] == f'attachment; filename="responsibility-matrix-{party.client_id}.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][3] == "'=HYPERLINK(\"http://evil.example\",\"Click\")"
    backup = next(row for row in rows if row[1] == "Backups run and are checked")
    assert backup[2] == "'=HYPERLINK(\"http://evil.example\",\"Click\")" and backup[3] == "A"


def test_the_assessments_page_filters_by_client_and_ignores_a_bad_one(staff):
    acme, other = AssessmentFactory(client=ClientFactory(name="Acme")), AssessmentFactory(
        client=ClientFactory(name="Other"))
    page = staff.get(reverse("vcio:list"), {"client": acme.client_id}).content.decode()
    assert reverse("vcio:assessment", args=[acme.pk]) in page
    assert reverse("vcio:assessment", args=[other.pk]) not in page
    for junk in (str(2**70), "abc", "99999"):
        response = staff.get(reverse("vcio:list"), {"client": junk})
        text = response.content.decode()
        assert response.status_code == 200 and "Some filters were ignored" in text, junk
        assert reverse("vcio:assessment", args=[other.pk]) in text  # the filter is ignored, not the list


def test_the_api_lists_filter_through_the_same_filtersets_and_refuse_bad_values(staff):
    acme = ClientFactory()
    RoadmapItemFactory(client=acme, status=RoadmapItem.Status.PLANNED, title="Backups")
    RoadmapItemFactory(client=acme, status=RoadmapItem.Status.DONE)
    RoadmapItemFactory()
    AssessmentFactory(client=acme)
    AssessmentFactory()
    planned = staff.get("/api/v1/roadmap-items", {"client": acme.pk, "status": "planned"}).json()["items"]
    assert [item["title"] for item in planned] == ["Backups"]
    assert staff.get("/api/v1/assessments", {"client": acme.pk}).json()["count"] == 1
    for url, params in (("/api/v1/roadmap-items", {"client": str(2**70)}), ("/api/v1/roadmap-items",
                        {"status": "soon"}), ("/api/v1/assessments", {"client": "x"}),
                        ("/api/v1/assessments", {"status": "a\x00"})):
        response = staff.get(url, params)
        assert response.status_code == 422 and set(response.json()["errors"]) == set(params), (url, params)


def test_a_contact_reads_their_own_companys_plan_without_cancelled_items(client):
    acme, other = ClientFactory(name="Acme"), ClientFactory(name="Other")
    RoadmapItemFactory(client=acme, title="Immutable backups")
    RoadmapItemFactory(client=acme, title="Dropped idea", status=RoadmapItem.Status.CANCELLED)
    RoadmapItemFactory(client=other, title="Their firewall")
    PartyFactory(client=other, name="Their CFO")
    user = UserFactory(role=Role.CLIENT_CONTACT)
    ContactFactory(client=acme, user=user)
    client.force_login(user)
    page = client.get(reverse("portal:it-plan")).content.decode()
    assert "Immutable backups" in page
    for hidden in ("Dropped idea", "Their firewall", "Their CFO"):
        assert hidden not in page, hidden
    assert client.get("/api/v1/roadmap-items").status_code == 404


def test_reading_the_matrix_and_roadmap_writes_nothing_and_an_activated_client_gets_its_parties(staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bspos.clients.models import Client, ClientStatus
    from bspos.clients.signals import client_status_changed

    company = ClientFactory(status=ClientStatus.PROSPECT)
    for url in (reverse("vcio:matrix", args=[company.pk]), reverse("vcio:roadmap", args=[company.pk]),
                f"/api/v1/clients/{company.pk}/responsibility-matrix"):
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(url).status_code == 200, url
        assert not [q for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert not company.parties.exists()
    client_status_changed.send(sender=Client, client=company, previous=ClientStatus.PROSPECT,
                               status=ClientStatus.ACTIVE)
    assert company.parties.count() == 15 and company.parties.filter(name="MSP vCIO").exists()


def test_starting_and_closing_an_assessment_are_audited(staff):
    from bspos.audit.models import AuditEvent
    from bspos.vcio.models import Assessment, AssessmentTemplate

    company = ClientFactory()
    staff.post(reverse("vcio:new"), {"client": company.pk, "template": AssessmentTemplate.objects.first().pk})
    assessment = Assessment.objects.get(client=company)
    staff.post(reverse("vcio:action", args=[assessment.pk, "close"]))
    assessment.refresh_from_db()
    assert assessment.status == "closed"
    assert AuditEvent.objects.filter(object_id=assessment.pk).count() == 2
    again = staff.post(reverse("vcio:action", args=[assessment.pk, "close"]), follow=True)
    assert "already closed" in again.content.decode()
