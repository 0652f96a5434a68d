"""The monthly client summary: its figures (SLA through the one SLA-met rule), the opt-in, once per month by the
scheduler's job or the button, to the primary contacts only, with the PDF attached."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from bspos.audit.models import AuditEvent
from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.reviews.models import MonthlySummary, PlanSettings, Review
from bspos.reviews.summary import monthly_summary, send_due_summaries, send_monthly_summary, set_monthly_summary
from bspos.reviews.tests.builders import ticket
from bspos.vcio.models import RoadmapStatus
from bspos.vcio.tests.factories import RoadmapItemFactory

pytestmark = pytest.mark.django_db
OCTOBER = date(2026, 10, 1)


@pytest.fixture
def company():
    client = ClientFactory(name="Summit Ltd")
    ContactFactory(client=client, email="ceo@summit.test", is_primary=True)
    ContactFactory(client=client, email="cfo@summit.test", is_primary=True)
    ContactFactory(client=client, email="staff@summit.test")  # not primary: never gets it
    ContactFactory(client=client, email="gone@summit.test", is_primary=True, is_active=False)
    return client


def test_the_summary_counts_the_month_with_the_one_sla_rule_and_shows_the_next_review(company):
    ticket(company, date(2026, 10, 2), resolved=date(2026, 10, 3), due=date(2026, 10, 5))  # met
    ticket(company, date(2026, 10, 6), resolved=date(2026, 10, 9), due=date(2026, 10, 7))  # missed
    ticket(company, date(2026, 9, 20), resolved=date(2026, 10, 1), due=date(2026, 10, 2))  # met, opened before
    ticket(company, date(2026, 11, 1))  # next month: not counted
    RoadmapItemFactory(client=company, status=RoadmapStatus.DONE)
    RoadmapItemFactory(client=company, status=RoadmapStatus.IN_PROGRESS)
    RoadmapItemFactory(client=company, status=RoadmapStatus.PROPOSED)
    Review.objects.create(client=company, due_on=date(2026, 12, 15))
    figures = monthly_summary(company, OCTOBER)
    assert figures["tickets"]["total"] == 2 and figures["tickets"]["previous"] == 1 and figures["resolved"] == 3
    assert (figures["sla"]["met"], figures["sla"]["with_sla"], str(figures["sla"]["rate"])) == (2, 3, "66.7")
    assert (figures["roadmap"]["done"], figures["roadmap"]["approved"], str(figures["roadmap"]["done_pct"])) == (
        1, 2, "50.0")
    assert figures["next_review"]["due_on"] == date(2026, 12, 15)


def test_a_client_that_has_not_opted_in_gets_nothing_from_the_job_or_the_service(company):
    assert send_due_summaries(today=date(2026, 11, 2)) == 0
    with pytest.raises(ValidationError, match="not opted in"):
        send_monthly_summary(company, month=OCTOBER)
    set_monthly_summary(company, enabled=False)
    assert send_due_summaries(today=date(2026, 11, 2)) == 0
    assert not mail.outbox and not MonthlySummary.objects.exists()


def test_the_job_sends_last_months_summary_once_to_the_primary_contacts_with_the_pdf(company):
    set_monthly_summary(company, enabled=True)
    ClientFactory(name="Quiet Ltd")  # not opted in
    assert send_due_summaries(today=date(2026, 11, 2)) == 1
    assert send_due_summaries(today=date(2026, 11, 3)) == 0  # the job again the next day: nothing twice
    (email,) = mail.outbox
    assert email.to == ["ceo@summit.test", "cfo@summit.test"]
    (name, content, kind), = email.attachments
    assert "October 2026" in email.subject and kind == "application/pdf" and content.startswith(b"%PDF")
    summary = MonthlySummary.objects.get()
    assert (summary.client, summary.month, summary.sent_by) == (company, OCTOBER, None)
    with pytest.raises(ValidationError, match="once a month"):
        send_monthly_summary(company, month=OCTOBER)
    assert len(mail.outbox) == 1
    assert send_due_summaries(today=date(2026, 12, 2)) == 1  # November's, a month later


def test_a_client_with_no_primary_contact_is_refused_with_the_reason(company):
    set_monthly_summary(company, enabled=True)
    company.contacts.update(is_primary=False)
    with pytest.raises(ValidationError, match="no active primary contact"):
        send_monthly_summary(company, month=OCTOBER)
    assert send_due_summaries(today=date(2026, 11, 2)) == 0 and not MonthlySummary.objects.exists()


def test_the_vcio_opts_the_client_in_and_sends_from_the_button_once(client, company):
    vcio = UserFactory(role=Role.VCIO)
    client.force_login(vcio)
    url = reverse("reviews:summary-action", args=[company.pk])
    refused = client.post(url, {"action": "send"}, follow=True).content.decode()
    assert "not opted in" in refused and not mail.outbox
    client.post(url, {"action": "opt-in"})
    assert PlanSettings.objects.get(client=company).monthly_summary
    assert AuditEvent.objects.filter(object_id=str(PlanSettings.objects.get().pk)).exists()
    sent = client.post(url, {"action": "send"}, follow=True).content.decode()
    assert "on its way to ceo@summit.test, cfo@summit.test" in sent
    again = client.post(url, {"action": "send"}, follow=True).content.decode()
    assert "sent once a month" in again and len(mail.outbox) == 1
    assert MonthlySummary.objects.get().sent_by == vcio
    page = client.get(reverse("reviews:summary", args=[company.pk])).content.decode()
    assert "opted in" in page and "Stop sending" in page


def test_the_summary_pdf_and_page_answer_and_a_technician_cannot_send(client, company):
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    pdf = client.get(reverse("reviews:summary-pdf", args=[company.pk]), {"month": "2026-10"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("reviews:summary", args=[company.pk]), {"month": "junk"}).status_code == 200
    assert client.post(reverse("reviews:summary-action", args=[company.pk]), {"action": "opt-in"}).status_code == 403
