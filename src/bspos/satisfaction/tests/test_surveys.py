"""A resolved ticket's contact is emailed three one-click ratings; the link needs no login, records at once, can be
changed for 7 days and is then read-only; an unknown or expired link reveals nothing."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bspos.clients.tests.factories import ContactFactory
from bspos.satisfaction.models import Score, Survey
from bspos.satisfaction.tests.factories import SurveyFactory
from bspos.servicedesk import services as desk
from bspos.servicedesk.models import Status

LINK = re.compile(r"https://psa\.msp\.test/rate/([\w-]+)/(good|okay|bad)/")


def resolve(ticket, by, callbacks):
    with callbacks(execute=True):
        desk.change_status(ticket, Status.RESOLVED, by=by, resolution="Fixed.")


def test_resolving_emails_the_contact_three_links_and_one_click_rates_without_login(
        smtp, company, contact, tech, client, django_capture_on_commit_callbacks):
    ticket = desk.create_ticket(client=company, contact=contact, assignee=tech, subject="Scanner offline")
    resolve(ticket, tech, django_capture_on_commit_callbacks)

    [sent] = smtp
    assert sent["To"] == "alice@acme-dental.test" and f"[#{ticket.number}]" in sent["Subject"]
    links = LINK.findall(sent.get_payload())
    assert [score for _token, score in links] == ["good", "okay", "bad"]
    token = links[0][0]
    survey = Survey.objects.get(ticket=ticket)
    assert token not in survey.token_hash and survey.technician == tech  # only a hash is stored

    page = client.get(f"/rate/{token}/good/")  # nobody is signed in
    assert page.status_code == 200 and "Thank you" in page.content.decode()
    survey.refresh_from_db()
    assert survey.score == Score.GOOD and survey.answered_at is not None


def test_no_survey_without_a_contact_email_and_none_twice_within_seven_days(
        smtp, company, contact, tech, django_capture_on_commit_callbacks):
    silent = desk.create_ticket(client=company, contact=ContactFactory(client=company, email=""), subject="No email")
    resolve(silent, tech, django_capture_on_commit_callbacks)
    assert not Survey.objects.filter(ticket=silent).exists()

    ticket = desk.create_ticket(client=company, contact=contact, subject="Printer")
    resolve(ticket, tech, django_capture_on_commit_callbacks)
    desk.change_status(ticket, Status.OPEN, by=tech)
    resolve(ticket, tech, django_capture_on_commit_callbacks)
    assert Survey.objects.filter(ticket=ticket).count() == 1 and len(smtp) == 1

    Survey.objects.filter(ticket=ticket).update(sent_at=timezone.now() - timedelta(days=8))
    desk.change_status(ticket, Status.OPEN, by=tech)
    resolve(ticket, tech, django_capture_on_commit_callbacks)
    assert Survey.objects.filter(ticket=ticket).count() == 2 and len(smtp) == 2


def test_a_rolled_back_resolve_sends_nothing(smtp, company, contact, tech, django_capture_on_commit_callbacks):
    ticket = desk.create_ticket(client=company, contact=contact, subject="Printer")
    with django_capture_on_commit_callbacks(execute=False):
        desk.change_status(ticket, Status.RESOLVED, by=tech, resolution="Fixed.")
    assert smtp == []


def test_the_answer_changes_within_seven_days_then_is_read_only(client, contact):
    survey = SurveyFactory(token="a" * 43, ticket__client=contact.client, ticket__contact=contact)
    client.get(f"/rate/{'a' * 43}/bad/")
    client.get(f"/rate/{'a' * 43}/good/")
    survey.refresh_from_db()
    assert survey.score == Score.GOOD and survey.changed_at is not None

    saved = client.post(f"/rate/{'a' * 43}/", {"comment": "Quick and friendly."})
    assert saved.status_code == 302
    survey.refresh_from_db()
    assert survey.comment == "Quick and friendly."

    Survey.objects.filter(pk=survey.pk).update(answered_at=timezone.now() - timedelta(days=7, minutes=1))
    page = client.get(f"/rate/{'a' * 43}/bad/")
    assert page.status_code == 200 and "can no longer be changed" in page.content.decode()
    refused = client.post(f"/rate/{'a' * 43}/", {"comment": "Changed my mind"})
    assert refused.status_code == 400 and "can no longer be changed" in refused.content.decode()
    survey.refresh_from_db()
    assert survey.score == Score.GOOD and survey.comment == "Quick and friendly."


def test_a_head_request_from_a_link_checker_records_nothing(client, contact):
    survey = SurveyFactory(token="h" * 43, ticket__client=contact.client, ticket__contact=contact)
    assert client.head(f"/rate/{'h' * 43}/bad/").status_code == 200
    survey.refresh_from_db()
    assert survey.score == ""


def test_a_comment_with_a_nul_byte_is_refused_and_nothing_changes(client, contact):
    survey = SurveyFactory(token="n" * 43, ticket__client=contact.client, ticket__contact=contact, score=Score.OKAY)
    refused = client.post(f"/rate/{'n' * 43}/", {"comment": "bad\x00byte"})
    assert refused.status_code == 400
    survey.refresh_from_db()
    assert survey.comment == ""


@pytest.mark.parametrize("path", ["/rate/Jx8vQm2LkP0aZr7TnW4yBc6dEf1gHs9uIo3pUq5VwXy/good/", f"/rate/{'e' * 43}/good/",
                                  f"/rate/{'e' * 43}/", f"/rate/{'f' * 43}/great/", "/rate/x/good/"])
def test_an_unknown_or_expired_link_or_score_is_404(client, contact, path):
    SurveyFactory(token="e" * 43, ticket__client=contact.client, ticket__contact=contact,
                  sent_at=timezone.now() - timedelta(days=31))  # never answered: expired
    SurveyFactory(token="f" * 43, ticket__client=contact.client, ticket__contact=contact)
    page = client.get(path)
    assert page.status_code == 404 and "Acme" not in page.content.decode()
