"""The client and contact lists: one FilterSet for the page, the CSV export and the API; bad filter values are an
ignored filter with a message on the page and 422 in the API, never a 500; exports re-import unchanged."""

import csv
import io

import pytest
from django.urls import reverse

from bspos.clients.models import Client, ClientStatus, Contact, Site
from bspos.clients.tests.factories import ClientFactory, ContactFactory, SiteFactory
from bspos.imports.services import run_import
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BAD = {"q": "a\x00b", "client": "9" * 30}


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    return client


def rows(response) -> list[dict]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_page_filters_and_links_its_export_with_the_same_filters(staff):
    ClientFactory(name="Acme Dental", vertical="Healthcare")
    ClientFactory(name="Birch Law", vertical="Legal", status=ClientStatus.PROSPECT, client_since=None)
    html = staff.get(reverse("clients:list") + "?q=health&status=active").content.decode()
    assert "Acme Dental" in html and "Birch Law" not in html
    assert f'{reverse("clients:export")}?q=health&amp;status=active' in html
    exported = rows(staff.get(reverse("clients:export") + "?q=health&status=active"))
    assert [r["name"] for r in exported] == ["Acme Dental"]
    listed = staff.get("/api/v1/clients?q=health&status=active").json()["items"]
    assert [c["name"] for c in listed] == ["Acme Dental"]


def test_bad_filter_values_are_ignored_with_a_message_on_pages_and_refused_by_the_api(staff):
    ClientFactory(name="Acme Dental")
    page = staff.get(reverse("clients:list"), {"q": BAD["q"], "status": "nonsense"})
    assert page.status_code == 200
    assert "Some filters were ignored" in page.content.decode() and "Acme Dental" in page.content.decode()
    assert staff.get("/api/v1/clients", {"q": BAD["q"]}).status_code == 422
    assert rows(staff.get(reverse("clients:contacts_export"), BAD)) == []  # header only, filters ignored
    response = staff.get("/api/v1/contacts", BAD)
    assert response.status_code == 422 and set(response.json()["errors"]) == {"q", "client"}
    assert staff.get("/api/v1/sites", {"client": BAD["client"]}).status_code == 422


def test_contacts_are_filtered_by_client_text_and_active_everywhere(staff):
    acme = ClientFactory(name="Acme")
    ContactFactory(client=acme, first_name="Alice", email="alice@acme.test")
    ContactFactory(client=acme, first_name="Bob", email="bob@acme.test", is_active=False)
    ContactFactory(first_name="Carol")
    api = staff.get("/api/v1/contacts", {"client": acme.pk, "active": "true"}).json()["items"]
    assert [c["first_name"] for c in api] == ["Alice"]
    exported = rows(staff.get(reverse("clients:contacts_export"), {"client": acme.pk, "q": "bob"}))
    assert [r["first_name"] for r in exported] == ["Bob"]


def test_sites_api_filters_by_client(staff):
    site = SiteFactory(name="HQ")
    SiteFactory(name="Depot")
    assert [s["name"] for s in staff.get("/api/v1/sites", {"client": site.client_id}).json()["items"]] == ["HQ"]


def test_client_and_contact_exports_re_import_unchanged(staff):
    acme = ClientFactory(name="Acme", vertical="Legal", website="https://acme.test")
    ClientFactory(name="=HYPERLINK(\"http://evil\")", status=ClientStatus.PROSPECT, client_since=None)
    ContactFactory(client=acme, first_name="Alice", is_primary=True)
    ContactFactory(client=acme, first_name="Bob", email="")
    clients = b"".join(staff.get(reverse("clients:export")).streaming_content).decode()
    assert "'=HYPERLINK" in clients  # formula cells neutralised
    result = run_import(kind="clients", text=clients)
    assert (result.errors, result.unchanged, result.created, result.updated) == ([], 2, 0, 0)
    contacts = b"".join(staff.get(reverse("clients:contacts_export")).streaming_content).decode()
    result = run_import(kind="contacts", text=contacts)
    assert (result.errors, result.unchanged, result.created, result.updated) == ([], 2, 0, 0)


def test_a_contact_sees_only_their_own_company(staff):
    own = ContactFactory(user=UserFactory(role=Role.CLIENT_CONTACT))
    other = ContactFactory()
    SiteFactory(client=own.client)
    SiteFactory(client=other.client)
    user = own.user
    assert list(Client.objects.visible_to(user)) == [own.client]
    assert list(Contact.objects.visible_to(user)) == [own]
    assert {s.client_id for s in Site.objects.visible_to(user)} == {own.client_id}
    assert Client.objects.visible_to(UserFactory(role=Role.CLIENT_CONTACT)).count() == 0
    assert Client.objects.visible_to(UserFactory(role=Role.TECHNICIAN)).count() == 2
    staff.force_login(user)
    assert staff.get(reverse("clients:list")).status_code == 404
    assert staff.get(reverse("clients:export")).status_code == 404
    assert staff.get("/api/v1/clients").status_code == 404


def test_the_client_page_counts_open_tickets_and_this_months_hours(staff):
    from django.utils import timezone

    from bspos.servicedesk.tests.factories import TicketFactory, TimeEntryFactory

    ticket = TicketFactory()
    TimeEntryFactory(ticket=ticket, minutes=90, started_at=timezone.now())
    page = staff.get(reverse("clients:detail", args=[ticket.client_id]))
    assert page.status_code == 200
    tiles = page.content.decode()
    assert '<span class="figure">1</span> open tickets' in tiles
    assert '<span class="figure">1.5</span> hours this month' in tiles
