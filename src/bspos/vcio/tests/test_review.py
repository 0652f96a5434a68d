"""Two-stage assessments and locked history: a technician prepares (answers, evidence, files), the vCIO accepts or
sends back each answer, shares and closes; a closed assessment is read-only on every path and keeps its scores,
answers and the client's roadmap as they were; the next one starts from its answers; any two compare."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.vcio import evidence, history, services
from bspos.vcio.models import Answer, Assessment, AssessmentTemplate, EvidenceFile, RoadmapItem, Target
from bspos.vcio.tests.factories import AssessmentFactory, RoadmapItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # evidence files go to a throwaway data directory


@pytest.fixture
def vcio():
    return UserFactory(role=Role.VCIO)


@pytest.fixture
def tech():
    return UserFactory(role=Role.TECHNICIAN)


def as_user(client, user):
    client.force_login(user)
    return client


def report(name="backup-report.pdf", content=b"%PDF-1.4 restore tested"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def closed_assessment(vcio, answers=None, client=None) -> Assessment:
    """An assessment the vCIO answered (so accepted) and closed, with a file on cont-backup and a CEO link made
    while it was prepared (its token in `ceo_token`)."""
    assessment = AssessmentFactory(**({"client": client} if client else {}))
    services.save_answers(assessment, answers or {"cont-backup": "2", "evidence-cont-backup": "Veeam, local only",
                                                  "cont-restore": "na"}, by=vcio)
    services.set_targets(assessment, {"target-continuous": "80"})
    evidence.add_evidence(assessment=assessment, question="cont-backup", files=[report()], by=vcio)
    _, token = services.create_link(assessment, by=vcio)
    closed = services.close_assessment(assessment=assessment, by=vcio)
    closed.ceo_token = token
    return closed


def answer(assessment, question="cont-backup") -> Answer:
    return Answer.objects.get(assessment=assessment, question=question)


def action(client, assessment, name, data=None, **kwargs):
    return client.post(reverse("vcio:action", args=[assessment.pk, name]), data or {}, **kwargs)


# --- the two stages ---------------------------------------------------------------------------------------------

def test_a_technician_prepares_the_vcio_sends_one_answer_back_then_accepts_shares_and_closes(client, vcio, tech):
    assessment = AssessmentFactory()
    contact = ContactFactory(client=assessment.client, user=UserFactory(role=Role.CLIENT_CONTACT))
    as_user(client, tech)
    action(client, assessment, "answers", {"cont-backup": "3", "evidence-cont-backup": "Nightly to NAS",
                                           "files-cont-backup": report(), "cont-restore": "1"})
    backup = answer(assessment)
    assert (backup.review, backup.answered_by, backup.files.get().original_name) == ("waiting", tech,
                                                                                    "backup-report.pdf")
    action(client, assessment, "submit")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.REVIEW and assessment.submitted_at is not None
    refused = action(client, assessment, "answers", {"cont-backup": "4"}, follow=True)
    assert "with the vCIO for review" in refused.content.decode() and answer(assessment).value == 3

    as_user(client, vcio)
    review = reverse("vcio:review", args=[assessment.pk, "cont-backup"])
    no_note = client.post(review, {"decision": "sent_back"}, follow=True)
    assert "Say what to change" in no_note.content.decode() and answer(assessment).review == "waiting"
    client.post(review, {"decision": "sent_back", "note-cont-backup": "The NAS is on site: is there an offsite copy?"})
    client.post(reverse("vcio:review", args=[assessment.pk, "cont-restore"]), {"decision": "accepted"})
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN  # sent back to be prepared
    assert answer(assessment).review == "sent_back" and answer(assessment, "cont-restore").review == "accepted"
    early = action(client, assessment, "share", follow=True)
    assert "1 sent back" in early.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.OPEN

    as_user(client, tech)
    page = client.get(reverse("vcio:assessment", args=[assessment.pk])).content.decode()
    assert "is there an offsite copy?" in page
    accepted = action(client, assessment, "answers", {"cont-restore": "3"}, follow=True)
    assert "only they can change it" in accepted.content.decode() and answer(assessment, "cont-restore").value == 1
    action(client, assessment, "answers", {"cont-backup": "2", "evidence-cont-backup": "NAS only, no offsite"})
    assert (answer(assessment).review, answer(assessment).value) == ("waiting", 2)
    action(client, assessment, "submit")

    as_user(client, contact.user)
    assert "Continuous" not in client.get(reverse("portal:it-plan")).content.decode()  # not shared yet

    as_user(client, vcio)
    action(client, assessment, "accept-waiting")
    action(client, assessment, "share")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SHARED and answer(assessment).reviewed_by == vcio
    as_user(client, contact.user)
    assert "Continuous" in client.get(reverse("portal:it-plan")).content.decode()
    as_user(client, vcio)
    action(client, assessment, "close")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.CLOSED and assessment.snapshot.data["overall"] is not None


def test_the_vcio_answers_are_accepted_as_given_and_only_the_vcio_reviews(client, vcio, tech):
    assessment = AssessmentFactory()
    services.save_answers(assessment, {"cont-backup": "4"}, by=vcio)
    assert answer(assessment).review == "accepted"
    services.save_answers(assessment, {"cont-restore": "1"})  # the CEO's link: waits like a technician's
    assert answer(assessment, "cont-restore").review == "waiting"
    as_user(client, tech)
    assert client.post(reverse("vcio:review", args=[assessment.pk, "cont-restore"]),
                       {"decision": "accepted"}).status_code == 403
    with pytest.raises(services.PermissionDenied):
        services.review_answer(assessment=assessment, question="cont-restore", decision="accepted", by=tech)
    assert answer(assessment, "cont-restore").review == "waiting"


def test_a_shared_assessment_takes_no_answers_but_keeps_its_targets_open_until_closed(vcio):
    assessment = AssessmentFactory()
    services.save_answers(assessment, {"cont-backup": "4"}, by=vcio)
    services.share_assessment(assessment=assessment, by=vcio)
    with pytest.raises(services.ValidationError, match="shared with the client"):
        services.save_answers(assessment, {"cont-backup": "1"}, by=vcio)
    services.set_targets(assessment, {"target-continuous": "90"})
    assert Target.objects.get(assessment=assessment).score == 90


def test_nothing_goes_to_review_unanswered_and_the_ceos_link_waits_while_it_is_reviewed(client, vcio, tech):
    assessment = AssessmentFactory()
    _, token = services.create_link(assessment, by=vcio)
    with pytest.raises(services.ValidationError, match="at least one question"):
        services.submit_for_review(assessment=assessment, by=tech)
    with pytest.raises(services.ValidationError, match="Nothing is answered"):
        services.share_assessment(assessment=assessment, by=vcio)
    services.save_answers(assessment, {"cont-backup": "1"}, by=tech)
    services.submit_for_review(assessment=assessment, by=tech)
    with pytest.raises(services.ValidationError, match="goes to review"):
        services.submit_for_review(assessment=assessment, by=tech)
    waiting = client.post(reverse("questionnaire", args=[token]), {"cont-backup": "4"})
    assert waiting.status_code == 410 and "for review" in waiting.content.decode()
    assert answer(assessment).value == 1


# --- a closed assessment refuses edits on every path -------------------------------------------------------------

def _state(assessment) -> tuple:
    return (Assessment.objects.get(pk=assessment.pk).status,
            sorted(Answer.objects.filter(assessment=assessment).values_list("question", "value", "evidence",
                                                                             "review")),
            sorted(Target.objects.filter(assessment=assessment).values_list("area", "score")),
            list(EvidenceFile.objects.filter(answer__assessment=assessment).values_list("pk", flat=True)),
            assessment.links.count())


def test_a_closed_assessment_refuses_edits_on_the_pages(client, vcio, tech):
    assessment = closed_assessment(vcio)
    file = EvidenceFile.objects.get(answer__assessment=assessment)
    before = _state(assessment)
    for user in (vcio, tech):
        as_user(client, user)
        for name, data in (("answers", {"cont-backup": "4", "files-cont-backup": report()}), ("submit", {}),
                           ("targets", {"target-continuous": "10"}), ("link", {}), ("accept-waiting", {}),
                           ("share", {}), ("close", {})):
            action(client, assessment, name, data)
        client.post(reverse("vcio:review", args=[assessment.pk, "cont-backup"]), {"decision": "sent_back",
                                                                                   "note-cont-backup": "x"})
        client.post(reverse("vcio:evidence-remove", args=[file.pk]))
    assert _state(assessment) == before
    page = client.get(reverse("vcio:assessment", args=[assessment.pk])).content.decode()
    assert 'type="radio"' not in page and "Save answers" not in page and 'type="file"' not in page
    assert "Partly in place" in page and "backup-report.pdf" in page and "Read-only" in page


def test_a_closed_assessment_refuses_edits_through_the_services(vcio):
    assessment = closed_assessment(vcio)
    link_row = assessment.links.get()
    file = EvidenceFile.objects.get(answer__assessment=assessment)
    before = _state(assessment)
    attempts = [
        lambda: services.save_answers(assessment, {"cont-backup": "4"}, by=vcio),
        lambda: services.save_answers(assessment, {"cont-backup": "4"}),
        lambda: services.set_targets(assessment, {"target-continuous": "10"}),
        lambda: services.create_link(assessment, by=vcio),
        lambda: services.revoke_link(link=link_row, by=vcio),
        lambda: services.submit_for_review(assessment=assessment, by=vcio),
        lambda: services.review_answer(assessment=assessment, question="cont-backup", decision="sent_back",
                                       note="x", by=vcio),
        lambda: services.accept_waiting(assessment=assessment, by=vcio),
        lambda: services.share_assessment(assessment=assessment, by=vcio),
        lambda: services.close_assessment(assessment=assessment, by=vcio),
        lambda: evidence.add_evidence(assessment=assessment, question="cont-backup", files=[report()], by=vcio),
        lambda: evidence.remove_evidence(file=file, by=vcio),
    ]
    for attempt in attempts:
        with pytest.raises(services.ValidationError):
            attempt()
    assert _state(assessment) == before
    link_row.refresh_from_db()
    assert link_row.revoked_at is None


def test_a_closed_assessment_refuses_edits_through_the_api_the_link_and_the_back_office(client, vcio):
    assessment = closed_assessment(vcio)
    file = EvidenceFile.objects.get(answer__assessment=assessment)
    before = _state(assessment)
    as_user(client, vcio)
    base = f"/api/v1/assessments/{assessment.pk}"
    calls = [("put", "/answers", {"answers": [{"question": "cont-backup", "value": 4}]}),
             ("put", "/targets", {"targets": {"continuous": 10}}), ("post", "/links", {}), ("post", "/submit", None),
             ("post", "/answers/cont-backup/review", {"decision": "sent_back", "note": "x"}),
             ("post", "/accept-waiting", None), ("post", "/share", None), ("post", "/close", None)]
    for method, path, body in calls:
        response = getattr(client, method)(base + path, body, content_type="application/json")
        assert response.status_code == 422, (path, response.status_code)
        assert "closed" in response.json()["detail"], path
    upload = client.post(f"{base}/answers/cont-backup/evidence", {"attachments": [report()]})
    assert upload.status_code == 422
    assert client.delete(f"/api/v1/evidence-files/{file.pk}").status_code == 422
    client.logout()
    ceo = client.post(reverse("questionnaire", args=[assessment.ceo_token]), {"cont-backup": "4"})
    assert ceo.status_code == 410
    owner = UserFactory(role=Role.OWNER, is_staff=True, is_superuser=True)
    as_user(client, owner)
    admin_url = reverse("admin:vcio_assessment_change", args=[assessment.pk])
    assert "Save" not in client.get(admin_url).content.decode().split('id="content-main"')[1].split("</form>")[0]
    assert client.post(admin_url, {"client": assessment.client_id}).status_code == 403
    assert _state(assessment) == before


# --- the snapshot -----------------------------------------------------------------------------------------------

def test_the_snapshot_keeps_scores_answers_and_roadmap_after_later_changes(client, vcio):
    company = ClientFactory()
    kept_item = RoadmapItemFactory(client=company, title="Offsite backup", one_time=Decimal("1200"),
                                   status=RoadmapItem.Status.PLANNED)
    dropped = RoadmapItemFactory(client=company, title="Restore tests")
    assessment = closed_assessment(vcio, client=company)
    areas, overall = services.assessment_scores(assessment)
    continuous = areas[0].score

    kept_item.title, kept_item.status, kept_item.one_time = "Cloud backup", RoadmapItem.Status.DONE, Decimal("99")
    services.save_roadmap_item(kept_item, by=vcio)
    services.delete_roadmap_item(dropped, by=vcio)
    RoadmapItemFactory(client=company, title="Added after closing")
    Answer.objects.filter(assessment=assessment, question="cont-backup").update(value=4)  # behind every rule's back
    Target.objects.filter(assessment=assessment).update(score=10)

    assessment = Assessment.objects.select_related("snapshot").get(pk=assessment.pk)
    assert services.assessment_scores(assessment) == (areas, overall)
    assert areas[0].target == 80 and continuous == Decimal("12.5")  # 50% × weight 2 of 8 applicable weights
    as_user(client, vcio)
    page = client.get(reverse("vcio:assessment", args=[assessment.pk])).content.decode()
    assert "Offsite backup" in page and "Restore tests" in page and "1,200.00" in page
    assert "Cloud backup" not in page and "Added after closing" not in page
    assert "Partly in place" in page and "Measured and improved" not in page
    api = client.get(f"/api/v1/assessments/{assessment.pk}/snapshot").json()
    assert [item["title"] for item in api["data"]["roadmap"]] == ["Offsite backup", "Restore tests"]
    assert client.get(f"/api/v1/assessments/{assessment.pk}").json()["overall"] == str(overall)


# --- the next assessment starts from the last one ---------------------------------------------------------------

def test_a_new_assessment_starts_from_the_last_closed_ones_answers_and_targets(client, vcio):
    company = ClientFactory()
    closed_assessment(vcio, {"cont-backup": "0"}, client=company)
    last = closed_assessment(vcio, {"cont-backup": "3", "evidence-cont-backup": "Offsite since May",
                                    "cont-restore": "na"}, client=company)
    AssessmentFactory(client=company)  # still being prepared: not where the next one starts
    nist = AssessmentTemplate.objects.get(key="nist-csf-2")
    as_user(client, vcio)
    client.post(reverse("vcio:new"), {"client": company.pk, "template": last.template_id})
    fresh = Assessment.objects.filter(client=company).latest("created_at")
    assert fresh.carried_from == last and fresh.status == Assessment.Status.OPEN
    assert sorted(fresh.answers.values_list("question", "value", "not_applicable", "evidence", "review")) == [
        ("cont-backup", 3, False, "Offsite since May", "waiting"), ("cont-restore", None, True, "", "waiting")]
    assert list(fresh.targets.values_list("area", "score")) == [("continuous", 80)]
    assert "Started from the answers of the" in client.get(reverse("vcio:assessment", args=[fresh.pk])).content.decode()
    other = services.start_assessment(client=company, template=nist, by=vcio)
    assert other.carried_from is None and not other.answers.exists()  # another framework starts empty


# --- history: compare any two -----------------------------------------------------------------------------------

def test_the_history_page_compares_any_two_assessments_of_the_framework(client, vcio):
    company = ClientFactory()
    first = closed_assessment(vcio, {"cont-backup": "0", "cont-restore": "1"}, client=company)
    closed_assessment(vcio, {"cont-backup": "2", "cont-restore": "1"}, client=company)
    third = services.start_assessment(client=company, template=first.template, by=vcio)
    services.save_answers(third, {"cont-backup": "4"}, by=vcio)
    comparison = history.compare(third, first)  # either order: the older comes first
    assert (comparison.first, comparison.second) == (first, third)
    changed = {q["code"]: (q["first"], q["second"]) for q in comparison.questions if q["changed"]}
    assert changed == {"cont-backup": ("Not in place", "Measured and improved")}
    continuous = next(area for area in comparison.areas if area["code"] == "continuous")
    # started from the second one's answers: restore stays "Initial" (25% × 1), backup 0% → 100% (× 2), of 9
    assert (continuous["first"], continuous["second"], continuous["change"]) == (
        Decimal("2.8"), Decimal("25.0"), Decimal("22.2"))

    as_user(client, vcio)
    page = client.get(reverse("vcio:history", args=[third.pk]), {"first": first.pk, "second": third.pk})
    text = page.content.decode()
    assert page.status_code == 200 and "1 answer changed" in text and "Measured and improved" in text
    api = client.get(f"/api/v1/assessments/{first.pk}/compare/{third.pk}").json()
    assert api["changed"] == 1 and api["first_id"] == first.pk
    assert [row["id"] for row in client.get(f"/api/v1/assessments/{third.pk}/history").json()] == [
        first.pk, first.pk + 1, third.pk]
    foreign = AssessmentFactory()
    assert client.get(f"/api/v1/assessments/{first.pk}/compare/{foreign.pk}").status_code == 422
    unknown = client.get(reverse("vcio:history", args=[third.pk]), {"first": foreign.pk}, follow=True)
    assert "Choose two assessments" in unknown.content.decode()


# --- evidence files ---------------------------------------------------------------------------------------------

def test_evidence_files_follow_the_ticket_attachment_limits_and_download_only(client, tech):
    assessment = AssessmentFactory()
    as_user(client, tech)
    refused = action(client, assessment, "answers", {"cont-backup": "2",
                                                     "files-cont-backup": report("tool.exe", b"MZ\x90\x00")},
                     follow=True)
    assert "programs and scripts" in refused.content.decode()
    assert not Answer.objects.filter(assessment=assessment).exists()  # the answer waits with its file: all or nothing
    action(client, assessment, "answers", {"cont-backup": "2", "files-cont-backup": report()})
    file = EvidenceFile.objects.get()
    download = client.get(reverse("vcio:evidence", args=[file.pk]))
    assert download["Content-Type"] == "application/octet-stream" and b"".join(download.streaming_content) == \
        b"%PDF-1.4 restore tested"
    assert "Remove backup-report.pdf?" in client.get(reverse("vcio:evidence-remove", args=[file.pk])).content.decode()
    client.post(reverse("vcio:evidence-remove", args=[file.pk]))
    assert not EvidenceFile.objects.exists()
    api = client.post(f"/api/v1/assessments/{assessment.pk}/answers/cont-backup/evidence", {"attachments": [report()]})
    assert api.status_code == 201 and api.json()[0]["question"] == "cont-backup"
    assert client.get(f"/api/v1/assessments/{assessment.pk}/evidence").json()[0]["name"] == "backup-report.pdf"


# --- a contact of another company meets 404 on every new URL -----------------------------------------------------

def test_a_contact_of_another_company_gets_404_on_every_new_url(client, vcio):
    assessment = closed_assessment(vcio)
    other = AssessmentFactory(client=assessment.client)
    services.save_answers(other, {"cont-backup": "1"}, by=vcio)
    file = EvidenceFile.objects.get(answer__assessment=assessment)
    outsider = ContactFactory(user=UserFactory(role=Role.CLIENT_CONTACT))
    as_user(client, outsider.user)
    gets = [reverse("vcio:history", args=[assessment.pk]), reverse("vcio:evidence", args=[file.pk]),
            reverse("vcio:evidence-remove", args=[file.pk]),
            *(f"/api/v1/assessments/{assessment.pk}/{path}" for path in ("snapshot", "history", "evidence",
                                                                          f"compare/{other.pk}")),
            f"/api/v1/evidence-files/{file.pk}/download"]
    posts = [reverse("vcio:review", args=[other.pk, "cont-backup"]), reverse("vcio:evidence-remove", args=[file.pk]),
             *(reverse("vcio:action", args=[other.pk, name]) for name in ("submit", "accept-waiting", "share"))]
    api_posts = [f"/api/v1/assessments/{other.pk}/{path}" for path in (
        "submit", "accept-waiting", "share", "close", "answers/cont-backup/review", "answers/cont-backup/evidence")]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"decision": "accepted"}).status_code == 404, url
    for url in api_posts:
        assert client.post(url, {"decision": "accepted"}, content_type="application/json").status_code == 404, url
    assert client.delete(f"/api/v1/evidence-files/{file.pk}").status_code == 404
    assert EvidenceFile.objects.filter(pk=file.pk).exists() and answer(other).review == "accepted"
