"""The recurring ticket pages and API: list and filter, create with a preview of the next occurrences, edit, pause,
resume, end (confirmed); the desk can write, finance only reads, a client contact meets 404."""

from datetime import date

import pytest
from django.urls import reverse

from bspos.api.services import create_token
from bspos.audit.models import AuditEvent
from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.recurring.models import RecurringTicket
from bspos.recurring.tests.factories import RecurringTicketFactory


@pytest.fixture
def acme(db):
    return ClientFactory(name="Acme Dental")


def test_the_desk_creates_a_template_and_sees_its_next_five_occurrences(client, tech, acme):
    client.force_login(tech)
    form = client.get(reverse("recurring:new"), {"client": acme.pk})
    assert form.status_code == 200
    answer = client.post(reverse("recurring:new"), {
        "client": acme.pk, "subject": "Monthly patching", "impact": 2, "urgency": 3, "category": "software",
        "frequency": "monthly", "interval": 1, "month_day": 15, "starts_on": "2030-01-01", "time_of_day": "07:30",
        "days_ahead": 3})
    template = RecurringTicket.objects.get()
    assert answer.status_code == 302 and answer.url == reverse("recurring:detail", args=[template.pk])
    assert AuditEvent.objects.filter(object_id=template.pk, action=AuditEvent.Action.CREATED).exists()
    page = client.get(answer.url).content.decode()
    assert "Every month on day 15 at 07:30" in page
    for month in ("Jan", "Feb", "Mar", "Apr", "May"):
        assert f"15 {month} 2030, 07:30" in page


def test_a_refused_form_shows_its_errors_and_saves_nothing(client, tech, acme):
    other = ContactFactory(client=ClientFactory(name="Bayside Law"))
    client.force_login(tech)
    answer = client.post(reverse("recurring:new"), {
        "client": acme.pk, "subject": "Backups", "impact": 2, "urgency": 3, "category": "backup",
        "frequency": "weekly", "interval": 0, "starts_on": "2030-01-10", "ends_on": "2030-01-01",
        "time_of_day": "07:30", "days_ahead": 500, "contact": other.pk})
    assert answer.status_code == 400
    errors = answer.context["form"].errors
    assert {"interval", "days_ahead", "contact"} <= set(errors)
    assert not RecurringTicket.objects.exists()


def test_pause_resume_and_a_confirmed_end(client, tech, acme):
    template = RecurringTicketFactory(client=acme)
    client.force_login(tech)
    client.post(reverse("recurring:pause", args=[template.pk]))
    template.refresh_from_db()
    assert template.paused
    client.post(reverse("recurring:resume", args=[template.pk]))
    template.refresh_from_db()
    assert not template.paused and template.next_at is not None
    confirm = client.get(reverse("recurring:end", args=[template.pk]))
    assert confirm.status_code == 200 and "cannot be undone" in confirm.content.decode()
    template.refresh_from_db()
    assert template.ended_at is None  # asking is not ending
    client.post(reverse("recurring:end", args=[template.pk]))
    template.refresh_from_db()
    assert template.ended_at is not None and template.next_at is None


def test_the_list_filters_by_client_and_paused_and_the_client_page_lists_its_templates(client, tech, acme):
    mine = RecurringTicketFactory(client=acme, subject="Weekly backup check")
    RecurringTicketFactory(subject="Other client's patching")
    paused = RecurringTicketFactory(client=acme, subject="Quarterly firewall review")
    paused.paused = True
    paused.save()
    client.force_login(tech)
    listed = client.get(reverse("recurring:list"), {"client": acme.pk, "paused": "0"})
    assert [t.pk for t in listed.context["page"]] == [mine.pk]
    assert client.get(reverse("recurring:list"), {"client": "junk"}).context["filter"].problems
    page = client.get(reverse("clients:detail", args=[acme.pk])).content.decode()
    assert "Weekly backup check" in page and "Quarterly firewall review" in page
    assert "Other client" not in page


def test_finance_reads_but_cannot_change_and_a_contact_meets_404(client, acme):
    template = RecurringTicketFactory(client=acme)
    client.force_login(UserFactory(username="fin", role=Role.FINANCE))
    assert client.get(reverse("recurring:detail", args=[template.pk])).status_code == 200
    assert client.post(reverse("recurring:pause", args=[template.pk])).status_code == 403
    contact = ContactFactory(client=acme, user=UserFactory(username="alice", role=Role.CLIENT_CONTACT))
    client.force_login(contact.user)
    for url in (reverse("recurring:list"), reverse("recurring:detail", args=[template.pk])):
        assert client.get(url).status_code == 404
    assert client.get("/api/v1/recurring-tickets").status_code == 404


def test_the_api_lists_creates_and_updates_templates(client, tech, acme):
    _token, secret = create_token(user=tech, name="script", scope="write")
    headers = {"Authorization": f"Bearer {secret}"}
    created = client.post("/api/v1/recurring-tickets", {
        "client_id": acme.pk, "subject": "Weekly backup check", "frequency": "weekly", "weekdays": [4],
        "starts_on": "2030-01-01", "days_ahead": 1}, content_type="application/json", headers=headers)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["weekdays"] == [4] and body["time_of_day"] == "08:00" and body["next_at"].startswith("2030-01-04")
    changed = client.patch(f"/api/v1/recurring-tickets/{body['id']}",
                           {"paused": True, "subject": "Backups", "time_of_day": "06:45"},
                           content_type="application/json", headers=headers)
    assert changed.status_code == 200 and changed.json()["paused"] and changed.json()["subject"] == "Backups"
    assert changed.json()["time_of_day"] == "06:45"
    refused = client.patch(f"/api/v1/recurring-tickets/{body['id']}", {"ends_on": "2020-01-01"},
                           content_type="application/json", headers=headers)
    assert refused.status_code == 422 and "ends_on" in refused.json()["errors"]
    listed = client.get("/api/v1/recurring-tickets", {"paused": "1"}, headers=headers).json()
    assert [t["id"] for t in listed["items"]] == [body["id"]]
    assert client.get("/api/v1/recurring-tickets", {"paused": "maybe"}, headers=headers).status_code == 422
    assert RecurringTicket.objects.get().starts_on == date(2030, 1, 1)
