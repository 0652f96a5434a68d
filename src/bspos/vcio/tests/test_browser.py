"""The CEO answers the questionnaire through the link in a real browser (Debian's chromium), no login."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from bspos.clients.models import Client
from bspos.demo.services import DemoSize, load_demo
from bspos.vcio.models import Answer, Assessment, AssessmentTemplate, QuestionnaireLink
from bspos.vcio.services import create_link

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_ceo_answers_through_the_link_comes_back_and_an_expired_link_is_refused(browser, live_server):
    load_demo(DemoSize(clients=2, months=1, seed=13, today=date(2026, 11, 20)))
    company = Client.objects.first()
    assessment = Assessment.objects.create(client=company, template=AssessmentTemplate.objects.get(key="7c"))
    _, token = create_link(assessment, sent_to="ceo@example.com")
    page = browser.new_page()
    page.goto(f"{live_server.url}/q/{token}/")
    assert company.name in page.content() and "Sign out" not in page.content()
    page.check("input[name=cont-backup][value='3']")
    page.check("input[name=cost-budget][value='na']")
    page.click("button:has-text('Save my answers')")
    page.wait_for_selector("text=Saved 2 answer(s)")
    page.goto(f"{live_server.url}/q/{token}/")  # comes back later with the same link
    assert page.is_checked("input[name=cont-backup][value='3']")
    assert "2 of 36 answered" in page.content()
    answers = {a.question: a for a in Answer.objects.filter(assessment=assessment)}
    assert answers["cont-backup"].value == 3 and answers["cost-budget"].not_applicable
    QuestionnaireLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    refused = page.goto(f"{live_server.url}/q/{token}/")
    assert refused.status == 410 and "expired" in page.content()
