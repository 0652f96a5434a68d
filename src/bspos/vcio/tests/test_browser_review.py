"""A technician prepares an assessment, the vCIO sends one answer back, the technician fixes it, and the vCIO accepts
and closes it, in a real browser."""

import pytest

from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.vcio.models import Answer, Assessment
from bspos.vcio.tests.factories import AssessmentFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_technician_prepares_vcio_sends_one_answer_back_then_accepts_and_closes(browser, live_server, sign_in):
    assessment = AssessmentFactory(client__name="Acme Dental")
    UserFactory(username="tech", role=Role.TECHNICIAN)
    UserFactory(username="cio", role=Role.VCIO)
    url = f"{live_server.url}/vcio/assessments/{assessment.pk}/"

    tech = browser.new_context().new_page()
    sign_in(tech, "tech", "pw")
    tech.goto(url)
    tech.check("input[name=cont-backup][value='3']")
    tech.fill("input[name=evidence-cont-backup]", "Nightly to the NAS")
    tech.check("input[name=cont-restore][value='1']")
    tech.click("button:has-text('Save answers')")
    tech.wait_for_selector("text=2 answer(s) saved")
    tech.click("button:has-text('Send for review')")
    tech.wait_for_selector("text=Sent to the vCIO for review")

    cio = browser.new_context().new_page()
    sign_in(cio, "cio", "pw")
    cio.goto(url)
    cio.fill("input[name=note-cont-backup]", "Is there a copy outside the office?")
    cio.click("#q-cont-backup button:has-text('Send back')")
    cio.wait_for_selector("text=sent back to be prepared again")
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.OPEN

    tech.goto(url)
    assert "Is there a copy outside the office?" in tech.content()
    tech.check("input[name=cont-backup][value='2']")
    tech.fill("input[name=evidence-cont-backup]", "NAS only; no offsite copy yet")
    tech.click("button:has-text('Save answers')")
    tech.wait_for_selector("text=1 answer(s) saved")
    tech.click("button:has-text('Send for review')")
    tech.wait_for_selector("text=Sent to the vCIO for review")

    cio.goto(url)
    cio.click("button:has-text('Accept the 2 answers waiting')")
    cio.wait_for_selector("text=2 answer(s) accepted")
    cio.once("dialog", lambda dialog: dialog.accept())
    cio.click("button:has-text('Close the assessment')")
    cio.wait_for_selector("text=Assessment closed")
    assert "Read-only" in cio.content() and "Save answers" not in cio.content()
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.CLOSED
    assert dict(Answer.objects.filter(assessment=assessment).values_list("question", "review")) == {
        "cont-backup": "accepted", "cont-restore": "accepted"}
