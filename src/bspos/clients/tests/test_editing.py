"""Adding and editing clients, contacts and sites in the app: who may (docs/permissions.md), what a refused form
shows (400, nothing written), what the audit trail keeps, and the dates a status change records."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bspos.assets.tests.factories import AssetFactory
from bspos.audit.models import AuditEvent
from bspos.clients.models import Client, ClientStatus, Contact, Site
from bspos.clients.tests.factories import ClientFactory, ContactFactory, SiteFactory
from bspos.conftest import signs_in
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(client, role: str, **fields):
    user = UserFactory(role=role, **fields)
    client.force_login(user)
    return user


def contact_form(**fields) -> dict:
    return {"first_name": "Pat", "last_name": "Jones", "email": "pat@acme.test", "phone": "", "job_title": "",
            "site": "", "is_billable_user": "on", **fields}


# --- who may -------------------------------------------------------------------------------------------------------

def test_a_technician_adds_and_edits_contacts_and_sites_but_not_clients(client):
    acme = ClientFactory(name="Acme")
    signed_in(client, Role.TECHNICIAN)
    response = client.post(reverse("clients:contact_new", args=[acme.pk]), contact_form())
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.client, contact.email) == (acme, "pat@acme.test")
    assert client.post(reverse("clients:site_new", args=[acme.pk]), {"name": "HQ", "city": "Leeds"}).status_code == 302
    assert Site.objects.get().city == "Leeds"
    for url in (reverse("clients:new"), reverse("clients:edit", args=[acme.pk]),
                reverse("clients:status", args=[acme.pk])):
        response = client.post(url, {"name": "Renamed", "status": "churned", "on": "2026-01-01",
                                     "churn_reason": "x"})
        assert response.status_code == 403 and "clients.write" in response.content.decode()
    acme.refresh_from_db()
    assert (acme.name, acme.status) == ("Acme", ClientStatus.ACTIVE)


@pytest.mark.parametrize("role", [Role.FINANCE])
def test_staff_without_the_capability_get_403_naming_it(client, role):
    contact = ContactFactory()
    signed_in(client, role)
    for url in (reverse("clients:contact", args=[contact.pk]), reverse("clients:contact_new", args=[contact.client_id]),
                reverse("clients:site_new", args=[contact.client_id])):
        response = client.post(url, contact_form(name="HQ"))
        assert response.status_code == 403 and "contacts.write" in response.content.decode()
    response = client.post(reverse("clients:contact_active", args=[contact.pk]), {"active": "0"})
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.is_active and not Site.objects.exists() and Contact.objects.count() == 1


def test_a_client_contact_meets_404_on_every_editing_page(client):
    mine = ContactFactory(user=UserFactory(role=Role.CLIENT_CONTACT))
    other = ContactFactory()
    site = SiteFactory(client=other.client)
    client.force_login(mine.user)
    urls = [reverse("clients:new"), reverse("clients:edit", args=[mine.client_id]),
            reverse("clients:status", args=[mine.client_id]), reverse("clients:contact_new", args=[mine.client_id]),
            reverse("clients:contact", args=[other.pk]), reverse("clients:contact", args=[mine.pk]),
            reverse("clients:contact_active", args=[other.pk]), reverse("clients:contact_portal", args=[other.pk]),
            reverse("clients:site_new", args=[other.client_id]), reverse("clients:site", args=[site.pk])]
    for url in urls:
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, contact_form(active="0", action="end")).status_code == 404, url
    assert Contact.objects.filter(is_active=True).count() == 2 and not AuditEvent.objects.exists()


# --- clients ------------------------------------------------------------------------------------------------------

def test_a_manager_adds_a_prospect_with_the_day_it_became_one(client):
    manager = signed_in(client, Role.SERVICE_MANAGER)
    response = client.post(reverse("clients:new"), {"name": "Birch Law", "status": "prospect",
                                                    "prospect_since": "2026-11-02", "vertical": "Legal"})
    birch = Client.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("clients:detail", args=[birch.pk])
    assert (birch.status, birch.prospect_since, birch.vertical) == ("prospect", date(2026, 11, 2), "Legal")
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.changes["name"]) == (manager, "created", [None, "Birch Law"])


def test_a_refused_client_form_answers_400_with_its_errors_and_saves_nothing(client):
    ClientFactory(name="Acme")
    signed_in(client, Role.SERVICE_MANAGER)
    response = client.post(reverse("clients:new"), {"name": "Acme", "status": "active", "website": "not a url"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "already exists" in page and "date it became a client" in page and "Enter a valid URL" in page
    assert 'value="not a url"' in page  # nothing typed is lost
    assert Client.objects.count() == 1 and not AuditEvent.objects.exists()


def test_editing_a_client_records_only_what_changed(client):
    acme = ClientFactory(name="Acme", vertical="Legal")
    manager = signed_in(client, Role.VCIO)
    form = {"name": "Acme", "vertical": "Healthcare", "service_tier": "", "account_manager": "",
            "prospect_since": "", "client_since": "2024-01-01", "phone": "", "website": "", "notes": ""}
    assert client.post(reverse("clients:edit", args=[acme.pk]), form).status_code == 302
    acme.refresh_from_db()
    assert acme.vertical == "Healthcare"
    event = AuditEvent.objects.get()
    assert (event.actor, event.changes) == (manager, {"vertical": ["Legal", "Healthcare"]})


def test_churning_asks_for_the_day_and_why_and_records_both(client):
    acme = ClientFactory(name="Acme", client_since=date(2024, 1, 1))
    signed_in(client, Role.SERVICE_MANAGER)
    url = reverse("clients:status", args=[acme.pk])
    refused = client.post(url, {"status": "churned", "on": "2026-10-31", "churn_reason": " "})
    assert refused.status_code == 400 and "Say why the client left" in refused.content.decode()
    before = client.post(url, {"status": "churned", "on": "2023-12-31", "churn_reason": "Price"})
    assert before.status_code == 400 and "cannot be before" in before.content.decode()
    acme.refresh_from_db()
    assert (acme.status, acme.churned_on, acme.churn_reason) == ("active", None, "")
    assert not AuditEvent.objects.exists()

    assert client.post(url, {"status": "churned", "on": "2026-10-31", "churn_reason": "Bought by a group"}
                       ).status_code == 302
    acme.refresh_from_db()
    assert (acme.status, acme.churned_on, acme.churn_reason) == ("churned", date(2026, 10, 31), "Bought by a group")
    assert AuditEvent.objects.get().changes["churned_on"] == [None, "2026-10-31"]
    page = client.get(reverse("clients:detail", args=[acme.pk])).content.decode()
    assert "churned 31 Oct 2026 (Bought by a group)" in page


def test_winning_a_prospect_sets_the_start_date_and_announces_it(client):
    from bspos.clients.signals import client_status_changed

    heard = []

    def listener(**kwargs):
        heard.append((kwargs["previous"], kwargs["status"]))

    client_status_changed.connect(listener)
    try:
        birch = ClientFactory(status=ClientStatus.PROSPECT, client_since=None, prospect_since=date(2026, 6, 1))
        signed_in(client, Role.SERVICE_MANAGER)
        assert client.post(reverse("clients:status", args=[birch.pk]), {"status": "active", "on": "2026-11-15"}
                           ).status_code == 302
    finally:
        client_status_changed.disconnect(listener)
    birch.refresh_from_db()
    assert (birch.status, birch.prospect_since, birch.client_since) == ("active", date(2026, 6, 1), date(2026, 11, 15))
    assert heard == [("prospect", "active")]


# --- contacts and sites -------------------------------------------------------------------------------------------

def test_a_bad_email_answers_400_keeps_what_was_typed_and_changes_nothing(client):
    contact = ContactFactory(phone="0113 000")
    signed_in(client, Role.TECHNICIAN)
    url = reverse("clients:contact", args=[contact.pk])
    response = client.post(url, contact_form(first_name=contact.first_name, email="pat@", phone="0113 999"))
    page = response.content.decode()
    assert response.status_code == 400 and "Enter a valid email address." in page and 'value="0113 999"' in page
    contact.refresh_from_db()
    assert contact.phone == "0113 000" and not AuditEvent.objects.exists()


def test_editing_a_contact_is_audited_and_shows_on_the_client_page(client):
    contact = ContactFactory(first_name="Pat", email="pat@acme.test", phone="0113 000")
    tech = signed_in(client, Role.TECHNICIAN)
    response = client.post(reverse("clients:contact", args=[contact.pk]),
                           contact_form(phone="0113 496 0000", is_primary="on"))
    assert response.status_code == 302 and response["Location"] == reverse("clients:detail", args=[contact.client_id])
    event = AuditEvent.objects.get()
    assert event.actor == tech
    assert event.changes == {"phone": ["0113 000", "0113 496 0000"], "is_primary": [False, True]}
    page = client.get(reverse("clients:detail", args=[contact.client_id])).content.decode()
    assert "0113 496 0000" in page
    history = client.get(reverse("clients:contact", args=[contact.pk])).content.decode()
    assert "0113 000 → 0113 496 0000" in history


def test_a_contact_cannot_be_put_at_another_clients_site(client):
    contact = ContactFactory()
    foreign = SiteFactory()
    signed_in(client, Role.TECHNICIAN)
    response = client.post(reverse("clients:contact", args=[contact.pk]), contact_form(site=foreign.pk))
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    contact.refresh_from_db()
    assert contact.site is None


def test_deactivating_a_contact_keeps_them_and_ends_their_portal_login(client):
    contact = ContactFactory(user=UserFactory(username="pat", role=Role.CLIENT_CONTACT))
    signed_in(client, Role.TECHNICIAN)
    assert client.post(reverse("clients:contact_active", args=[contact.pk]), {"active": "0"}).status_code == 302
    contact.refresh_from_db()
    contact.user.refresh_from_db()
    assert contact.is_active is False and contact.user.is_active is False
    assert not signs_in(client, "pat", "pw")
    signed_in(client, Role.TECHNICIAN)
    assert client.post(reverse("clients:contact_active", args=[contact.pk]), {"active": "1"}).status_code == 302
    contact.refresh_from_db()
    contact.user.refresh_from_db()
    assert contact.is_active is True and contact.user.is_active is False  # portal access is given again on purpose


def test_a_bad_site_time_zone_is_refused(client):
    acme = ClientFactory()
    signed_in(client, Role.TECHNICIAN)
    response = client.post(reverse("clients:site_new", args=[acme.pk]), {"name": "HQ", "time_zone": "Mars/Base"})
    assert response.status_code == 400 and "Not a time zone" in response.content.decode()
    assert not Site.objects.exists()


def test_editing_a_site_is_audited(client):
    site = SiteFactory(name="HQ", city="Leeds")
    signed_in(client, Role.TECHNICIAN)
    response = client.post(reverse("clients:site", args=[site.pk]), {"name": "HQ", "city": "York"})
    assert response.status_code == 302
    assert AuditEvent.objects.get().changes == {"city": ["Leeds", "York"]}


# --- the client page stays lean -----------------------------------------------------------------------------------

def test_the_client_page_costs_the_same_queries_with_more_contacts_sites_and_assets(client):
    acme = ClientFactory()
    signed_in(client, Role.TECHNICIAN)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("clients:detail", args=[acme.pk])).status_code == 200
        return len(captured)

    ContactFactory(client=acme, site=SiteFactory(client=acme), user=UserFactory(role=Role.CLIENT_CONTACT))
    AssetFactory(client=acme)
    few = queries()
    for _ in range(5):
        ContactFactory(client=acme, site=SiteFactory(client=acme), user=UserFactory(role=Role.CLIENT_CONTACT))
        AssetFactory(client=acme)
    assert queries() == few


# --- the API: the same writes, the same capabilities ---------------------------------------------------------------

def test_the_api_lets_a_technician_edit_contacts_and_sites_but_not_clients(client):
    contact = ContactFactory(phone="1")
    site = SiteFactory(client=contact.client)
    signed_in(client, Role.TECHNICIAN)
    patch = client.patch(f"/api/v1/contacts/{contact.pk}", {"phone": "0113 496 0000"}, content_type="application/json")
    assert patch.status_code == 200 and patch.json()["phone"] == "0113 496 0000"
    assert client.patch(f"/api/v1/sites/{site.pk}", {"city": "York"}, content_type="application/json"
                        ).status_code == 200
    refused = client.post(f"/api/v1/clients/{contact.client_id}/status", {"status": "churned", "reason": "x"},
                          content_type="application/json")
    assert refused.status_code == 403 and "clients.write" in refused.json()["detail"]
    assert [event.content_type.model for event in AuditEvent.objects.order_by("id")] == ["contact", "site"]


def test_the_api_changes_a_clients_status_with_its_dates(client):
    acme = ClientFactory(client_since=date(2024, 1, 1))
    signed_in(client, Role.SERVICE_MANAGER)
    url = f"/api/v1/clients/{acme.pk}/status"
    refused = client.post(url, {"status": "churned", "on": "2026-10-31"}, content_type="application/json")
    assert refused.status_code == 422 and "churn_reason" in refused.json()["errors"]
    answer = client.post(url, {"status": "churned", "on": "2026-10-31", "reason": "Merged"},
                         content_type="application/json")
    assert answer.status_code == 200
    assert (answer.json()["churned_on"], answer.json()["churn_reason"]) == ("2026-10-31", "Merged")


def test_deactivating_over_the_api_ends_the_portal_login(client):
    contact = ContactFactory(user=UserFactory(role=Role.CLIENT_CONTACT))
    signed_in(client, Role.TECHNICIAN)
    answer = client.patch(f"/api/v1/contacts/{contact.pk}", {"is_active": False}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["has_portal_login"] is False
    contact.user.refresh_from_db()
    assert contact.user.is_active is False
