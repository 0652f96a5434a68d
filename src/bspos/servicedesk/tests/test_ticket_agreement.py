"""Every ticket belongs to the agreement in force on its day, whichever way it arrives; a technician can move it to
another of the client's agreements (or none), and the SLA plan and clocks follow, with the change audited."""

import importlib
import json
from datetime import UTC, date, datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from bspos.agreements.models import Agreement, AgreementKind
from bspos.agreements.tests.factories import AgreementFactory
from bspos.api.services import create_token
from bspos.assets.tests.factories import AssetFactory
from bspos.audit.models import AuditEvent
from bspos.clients.tests.factories import ClientFactory
from bspos.intake import services as intake
from bspos.intake.models import AlertSource
from bspos.mail.services import ingest
from bspos.servicedesk import services
from bspos.servicedesk.models import Source, Ticket
from bspos.servicedesk.tests.factories import TicketFactory


def bearer(user) -> dict:
    _, secret = create_token(user=user, name="test", scope="write")
    return {"Authorization": f"Bearer {secret}"}


def test_a_ticket_from_the_new_ticket_form_belongs_to_the_agreement_in_force(client, agreement, tech):
    client.force_login(tech)
    response = client.post(reverse("servicedesk:ticket_new"), {
        "client": agreement.client_id, "subject": "VPN down", "source": "phone", "ticket_type": "incident",
        "impact": "2", "urgency": "2"})
    ticket = Ticket.objects.get(subject="VPN down")
    assert response.status_code == 302
    assert ticket.agreement == agreement and ticket.sla_plan == agreement.sla_plan


def test_the_new_ticket_form_refuses_another_clients_agreement(client, agreement, tech):
    foreign = AgreementFactory(client=ClientFactory())
    client.force_login(tech)
    response = client.post(reverse("servicedesk:ticket_new"), {
        "client": agreement.client_id, "agreement": foreign.pk, "subject": "VPN down", "source": "phone",
        "ticket_type": "incident", "impact": "2", "urgency": "2"})
    assert response.status_code == 400 and "agreement" in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_a_portal_ticket_belongs_to_the_agreement_in_force(client, agreement, contact):
    client.force_login(contact.user)
    client.post(reverse("portal:new"), {"subject": "Cannot print", "description": "Since 9am"})
    ticket = Ticket.objects.get(subject="Cannot print")
    assert (ticket.source, ticket.agreement) == (Source.PORTAL, agreement)


def test_an_email_ticket_belongs_to_the_agreement_in_force(settings, tmp_path, agreement, contact):
    settings.DATA_DIR = tmp_path
    raw = (b"From: Alice Jones <alice@acme-dental.test>\r\nTo: support@msp.test\r\nSubject: Scanner offline\r\n"
           b"Message-ID: <scanner-1@acme-dental.test>\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n\r\n"
           b"The scanner on floor 2 is offline.\r\n")
    message, created = ingest(raw)
    assert created and message.ticket.source == Source.EMAIL
    assert message.ticket.agreement == agreement


def test_an_alert_ticket_belongs_to_the_agreement_in_force(client, agreement):
    AssetFactory(client=agreement.client, name="web1")
    _, token = intake.create_source(name="RMM", kind=AlertSource.Kind.GENERIC)
    response = client.post("/api/v1/alerts", json.dumps({"key": "disk-web1", "title": "Disk full", "host": "web1"}),
                           content_type="application/json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.content
    ticket = Ticket.objects.get()
    assert (ticket.source, ticket.agreement) == (Source.ALERT, agreement)


def test_an_api_ticket_belongs_to_the_agreement_in_force_or_to_one_of_its_clients_given(client, agreement, tech):
    created = client.post("/api/v1/tickets", {"client_id": agreement.client_id, "subject": "Outlook crashes"},
                          content_type="application/json", headers=bearer(tech))
    assert created.status_code == 201 and created.json()["agreement_id"] == agreement.pk
    project = AgreementFactory(client=agreement.client, name="Project", kind=AgreementKind.TIME_AND_MATERIALS,
                               sla_plan=None)
    chosen = client.post("/api/v1/tickets", {"client_id": agreement.client_id, "subject": "Migrate the NAS",
                                             "agreement_id": project.pk},
                         content_type="application/json", headers=bearer(tech))
    assert chosen.status_code == 201
    assert (chosen.json()["agreement_id"], chosen.json()["resolution_due"]) == (project.pk, None)  # no plan, no SLA
    foreign = AgreementFactory(client=ClientFactory())
    refused = client.post("/api/v1/tickets", {"client_id": agreement.client_id, "subject": "x",
                                              "agreement_id": foreign.pk},
                          content_type="application/json", headers=bearer(tech))
    assert refused.status_code == 422 and "agreement" in refused.json()["errors"]
    assert Ticket.objects.count() == 2


def test_a_ticket_with_no_agreement_in_force_on_its_day_has_none(db):
    company = ClientFactory()
    AgreementFactory(client=company, start_date=date(2027, 1, 1))
    AgreementFactory(client=company, start_date=date(2020, 1, 1), end_date=date(2026, 11, 1))
    ticket = TicketFactory(client=company, created_at=datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    assert ticket.agreement is None and ticket.sla_plan is None and ticket.resolution_due is None


def test_the_day_is_the_tickets_local_day(settings, agreement):
    settings.TIME_ZONE = "America/New_York"
    later = AgreementFactory(client=agreement.client, name="From November", start_date=date(2026, 11, 2))
    # 02:00 UTC on 2 November is still 1 November in New York: the older agreement governs.
    ticket = TicketFactory(client=agreement.client, created_at=datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
    assert ticket.agreement == agreement != later


def test_a_technician_moves_a_ticket_to_no_agreement_on_the_ticket_page_and_it_is_audited(client, agreement, tech):
    ticket = TicketFactory(client=agreement.client)
    assert ticket.resolution_due is not None
    client.force_login(tech)
    page = client.get(reverse("servicedesk:ticket", args=[ticket.number])).content.decode()
    assert f'<option value="{agreement.pk}" selected>{agreement.name}</option>' in page
    response = client.post(reverse("servicedesk:agreement", args=[ticket.number]), {"agreement": ""}, follow=True)
    assert "under no agreement" in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.agreement, ticket.sla_plan, ticket.resolution_due, ticket.first_response_due) == (
        None, None, None, None)
    event = AuditEvent.objects.filter(object_id=ticket.pk, action="changed").get()
    assert event.actor == tech
    assert event.changes["agreement_id"] == [agreement.pk, None]
    assert event.changes["sla_plan_id"] == [agreement.sla_plan_id, None]


def test_the_ticket_page_offers_only_the_clients_agreements_in_force(client, agreement, tech):
    ended = AgreementFactory(client=agreement.client, name="Ended", start_date=date(2020, 1, 1),
                             end_date=date(2023, 12, 31))
    AgreementFactory(name="Other client's")
    ticket = TicketFactory(client=agreement.client)
    client.force_login(tech)
    options = client.get(reverse("servicedesk:ticket", args=[ticket.number])).context["agreement_form"] \
        .fields["agreement"].queryset
    assert list(options) == [agreement]
    refused = client.post(reverse("servicedesk:agreement", args=[ticket.number]), {"agreement": ended.pk},
                          follow=True)
    assert "Choose one of the client" in refused.content.decode()
    ticket.refresh_from_db()
    assert ticket.agreement == agreement


def test_the_api_changes_the_agreement_and_the_clocks_follow(client, agreement, tech):
    ticket = TicketFactory(client=agreement.client)
    faster = AgreementFactory(client=agreement.client, name="Premium")
    faster.sla_plan.targets.update(resolution_minutes=60, first_response_minutes=15)
    patched = client.patch(f"/api/v1/tickets/{ticket.number}", {"agreement_id": faster.pk},
                           content_type="application/json", headers=bearer(tech))
    assert patched.status_code == 200 and patched.json()["agreement_id"] == faster.pk
    due_before = ticket.resolution_due
    ticket.refresh_from_db()
    assert ticket.sla_plan == faster.sla_plan and ticket.resolution_due < due_before
    assert AuditEvent.objects.filter(object_id=ticket.pk, actor=tech, changes__has_key="agreement_id").exists()
    foreign = AgreementFactory(client=ClientFactory())
    refused = client.patch(f"/api/v1/tickets/{ticket.number}", {"agreement_id": foreign.pk},
                           content_type="application/json", headers=bearer(tech))
    assert refused.status_code == 422
    ticket.refresh_from_db()
    assert ticket.agreement == faster


def test_update_ticket_leaves_the_agreement_to_change_agreement(agreement):
    ticket = TicketFactory(client=agreement.client)
    with pytest.raises(ValidationError, match="agreement"):
        services.update_ticket(ticket, agreement=None)


def test_the_migration_links_every_ticket_without_an_agreement_by_the_same_rule(db):
    company = ClientFactory()
    managed = AgreementFactory(client=company, start_date=date(2024, 1, 1), end_date=date(2026, 10, 31))
    project = AgreementFactory(client=company, name="Project", kind=AgreementKind.TIME_AND_MATERIALS,
                               start_date=date(2026, 10, 1))
    made = [TicketFactory(client=company, created_at=datetime(2026, month, day, 12, 0, tzinfo=UTC))
            for month, day in [(10, 15), (11, 15), (1, 15)]]
    Ticket.objects.update(agreement=None)
    migration = importlib.import_module("bspos.servicedesk.migrations.0003_link_tickets_to_agreements")
    migration.link_tickets_to_their_agreement(apps, None)
    linked = {t.pk: t.agreement for t in Ticket.objects.all()}
    assert [linked[t.pk] for t in made] == [managed, project, managed]  # support first; the project after it ended
    assert all(Agreement.objects.governing(company, t.created_at.date()) == linked[t.pk] for t in made)
