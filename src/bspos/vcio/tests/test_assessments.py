from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bspos.clients.models import Client
from bspos.demo.services import DemoSize, load_demo
from bspos.people.models import Role, User
from bspos.vcio.matrix import AREAS, set_up_parties
from bspos.vcio.models import Answer, Assessment, AssessmentTemplate, QuestionnaireLink, RoadmapItem, Target
from bspos.vcio.services import create_link


@pytest.fixture
def demo(db):
    summary = load_demo(DemoSize(clients=3, months=1, seed=6, today=date(2026, 11, 20)))
    Assessment.objects.all().delete()  # the demo's own assessments and roadmaps: these tests start clean
    RoadmapItem.objects.all().delete()
    return summary


def signed_in(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def start(client, company: Client, key: str = "7c") -> Assessment:
    template = AssessmentTemplate.objects.get(key=key)
    client.post(reverse("vcio:new"), {"client": company.pk, "template": template.pk})
    return Assessment.objects.filter(client=company, template=template).latest("created_at")


def test_vcio_runs_a_workshop_sets_targets_and_sees_scores(client, demo):
    company = Client.objects.filter(status="active").first()
    signed_in(client, "vcio")
    assessment = start(client, company)
    url = reverse("vcio:action", args=[assessment.pk, "answers"])
    client.post(url, {"cont-backup": "4", "evidence-cont-backup": "Veeam offsite, tested", "cont-restore": "na"})
    assert Answer.objects.get(assessment=assessment, question="cont-backup").evidence == "Veeam offsite, tested"
    assert Answer.objects.get(assessment=assessment, question="cont-restore").not_applicable
    bad = client.post(url, {"cont-backup": "9"}, follow=True)
    assert "not an answer" in bad.content.decode()
    assert Answer.objects.get(assessment=assessment, question="cont-backup").value == 4  # unchanged
    refused = client.post(reverse("vcio:action", args=[assessment.pk, "targets"]), {"target-continuous": "140"},
                          follow=True)
    assert "0 to 100" in refused.content.decode() and not Target.objects.exists()
    client.post(reverse("vcio:action", args=[assessment.pk, "targets"]), {"target-continuous": "80"})
    page = client.get(reverse("vcio:assessment", args=[assessment.pk])).content.decode()
    assert "<polygon" in page and "ITCq" in page
    # Continuous: backup (weight 2) fully in place, restore n/a, 4 others unanswered (weights 2, 2, 1, 1): 200/800
    assert "25.0" in page and "55.0" in page  # score and the gap to the 80 target


def test_the_ceo_answers_through_the_link_saves_and_comes_back(client, demo):
    company = Client.objects.filter(status="active").first()
    signed_in(client, "vcio")
    assessment = start(client, company)
    client.post(reverse("vcio:action", args=[assessment.pk, "link"]), {"sent_to": "ceo@example.com"})
    page = client.get(reverse("vcio:assessment", args=[assessment.pk])).content.decode()
    url = page.split('<code class="secret">')[1].split("</code>")[0]
    path = url.removeprefix("http://testserver")
    assert QuestionnaireLink.objects.get().token_hash not in url  # only the hash is stored
    client.logout()
    form = client.get(path)
    assert form.status_code == 200 and company.name in form.content.decode()
    client.post(path, {"comp-rmm": "3"})
    again = client.get(path).content.decode()
    assert "1 of" in again and Answer.objects.get(question="comp-rmm").answered_by is None


def test_a_link_reaches_only_its_assessment_and_expired_or_withdrawn_links_are_refused(client, demo):
    first, second = Client.objects.order_by("pk")[:2]
    signed_in(client, "vcio")
    mine, other = start(client, first), start(client, second)
    _, token = create_link(mine)
    client.logout()
    client.post(reverse("questionnaire", args=[token]), {"cont-backup": "2", "assessment": other.pk})
    assert other.answers.count() == 0 and mine.answers.count() == 1
    assert client.get(reverse("questionnaire", args=["guess" + token[5:]])).status_code == 410
    link, expired = create_link(mine)
    QuestionnaireLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("questionnaire", args=[expired]))
    assert response.status_code == 410 and "expired" in response.content.decode()
    link, withdrawn = create_link(mine)
    QuestionnaireLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    assert "withdrawn" in client.get(reverse("questionnaire", args=[withdrawn])).content.decode()
    Assessment.objects.filter(pk=mine.pk).update(status=Assessment.Status.CLOSED)
    assert "closed" in client.get(reverse("questionnaire", args=[token])).content.decode()


def test_roles_technicians_prepare_the_vcio_does_the_rest_contacts_never(client, demo):
    company = Client.objects.filter(status="active").first()
    signed_in(client, "vcio")
    assessment = start(client, company)
    signed_in(client, "tech1")
    assert client.get(reverse("vcio:assessment", args=[assessment.pk])).status_code == 200
    client.post(reverse("vcio:action", args=[assessment.pk, "answers"]), {"cont-backup": "4"})
    assert Answer.objects.get(assessment=assessment, question="cont-backup").review == Answer.Review.WAITING
    for action in ("targets", "link", "share", "close", "accept-waiting"):
        assert client.post(reverse("vcio:action", args=[assessment.pk, action]), {}).status_code == 403, action
    assert client.post(reverse("vcio:new"), {"client": company.pk}).status_code == 403
    signed_in(client, "finance")  # reads, never answers
    assert client.post(reverse("vcio:action", args=[assessment.pk, "answers"]), {"cont-backup": "1"}).status_code == 403
    signed_in(client, User.objects.filter(role=Role.CLIENT_CONTACT).first().username)
    assert client.get(reverse("vcio:list")).status_code == 404
    assert client.get(reverse("vcio:assessment", args=[assessment.pk])).status_code == 404


def test_weak_answers_become_a_roadmap_with_a_yearly_budget(client, demo):
    from decimal import Decimal

    from bspos.vcio.models import RoadmapItem

    company = Client.objects.filter(status="active").first()
    signed_in(client, "vcio")
    assessment = start(client, company)
    answers = {q["code"]: "4" for area in assessment.template.data["areas"] for q in area["questions"]}
    answers.update({"cont-backup": "0", "comp-kb": "1", "clear-docs": "na"})
    client.post(reverse("vcio:action", args=[assessment.pk, "answers"]), answers)
    client.post(reverse("vcio:suggest", args=[assessment.pk]))
    items = {item.question: item for item in RoadmapItem.objects.filter(client=company)}
    assert set(items) == {"cont-backup", "comp-kb"}
    assert items["cont-backup"].priority == RoadmapItem.Priority.HIGH  # weighted question
    again = client.post(reverse("vcio:suggest", args=[assessment.pk]), follow=True)
    assert "Nothing new to propose" in again.content.decode() and RoadmapItem.objects.count() == 2

    url = reverse("vcio:roadmap", args=[company.pk])
    set_up_parties(company)
    backup = items["cont-backup"]
    client.post(url, {"item": backup.pk, "area": backup.area, "title": backup.title, "priority": 1,
                      "quarter": "2027-05-20", "one_time": "1200", "monthly": "50",
                      "owner": company.parties.get(name="MSP vCIO").pk,
                      "status": "planned"})
    backup.refresh_from_db()
    assert backup.quarter == date(2027, 4, 1) and backup.one_time == Decimal("1200")
    assert backup.owner.name == "MSP vCIO"
    other_party = Client.objects.exclude(pk=company.pk).first()
    foreign = set_up_parties(other_party)[0]
    client.post(url, {"item": backup.pk, "area": backup.area, "title": backup.title, "priority": 1,
                      "quarter": "2027-05-20", "one_time": "1200", "monthly": "50", "owner": foreign.pk,
                      "status": "planned"})
    backup.refresh_from_db()
    assert backup.owner.name == "MSP vCIO"  # another company's party is refused
    refused = client.post(url, {"area": "x", "title": "Bad", "priority": 2, "quarter": "2027-01-01",
                                "one_time": "-5", "monthly": "0", "status": "proposed"}, follow=True)
    assert "Nothing saved" in refused.content.decode() and not RoadmapItem.objects.filter(title="Bad").exists()
    page = client.get(url)
    budget = {row["year"]: row for row in page.context["budget"]}
    assert budget[2027]["one_time"] == Decimal("1200.00")
    assert budget[2027]["recurring"] == Decimal("450.00")  # 50 a month from April: 9 months
    assert budget[2028]["recurring"] == Decimal("600.00") and budget[2028]["one_time"] == 0
    signed_in(client, "tech1")
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "x"}).status_code == 403


def test_responsibility_matrix_enforces_one_accountable_and_shows_the_rest_falling_to_the_ceo(client, demo):
    import csv
    import io

    from bspos.vcio.models import Party, Responsibility

    company = Client.objects.filter(status="active").first()
    signed_in(client, "vcio")
    url = reverse("vcio:matrix", args=[company.pk])
    page = client.get(url)  # reading the matrix writes nothing: the set-up button creates the default parties
    assert page.status_code == 200 and not Party.objects.filter(client=company).exists()
    assert "Set up the default virtual IT department" in page.content.decode()
    client.post(url, {"action": "set-up"})
    assert Party.objects.filter(client=company).count() == 15
    ceo, vcio = Party.objects.get(client=company, name="CEO"), Party.objects.get(client=company, name="MSP vCIO")
    double = client.post(url, {f"cell-backup-{ceo.pk}": "A", f"cell-backup-{vcio.pk}": "A"}, follow=True)
    assert "Exactly one party can be Accountable" in double.content.decode()
    assert not Responsibility.objects.exists()
    client.post(url, {f"cell-backup-{vcio.pk}": "A", f"cell-backup-{ceo.pk}": "I", f"cell-strategy-{ceo.pk}": "R"})
    assert Responsibility.objects.filter(client=company).count() == 3
    page = client.get(url).content.decode()
    assert page.count("falls to the CEO") == len(AREAS) - 1
    rows = list(csv.reader(io.StringIO(client.get(reverse("vcio:matrix-csv", args=[company.pk])).content.decode())))
    backup = next(row for row in rows if row[1] == "Backups run and are checked")
    assert backup[2] == "MSP vCIO"
    signed_in(client, "tech1")
    assert client.post(url, {f"cell-backup-{ceo.pk}": "A"}).status_code == 403


def test_service_map_flags_thinly_covered_areas(client, demo):
    signed_in(client, "tech1")
    page = client.get(reverse("vcio:service-map")).content.decode()
    assert "Continuous" in page and "Cost effective" in page and "thin" in page


def test_a_contact_sees_only_their_own_companys_plan_read_only(client, demo):
    from bspos.vcio.models import RoadmapItem

    contact = User.objects.filter(role=Role.CLIENT_CONTACT).select_related("contact").first()
    mine = contact.contact.client
    other = Client.objects.exclude(pk=mine.pk).first()
    signed_in(client, "vcio")
    start(client, mine)
    RoadmapItem.objects.create(client=mine, area="Continuous", title="Offsite backup", quarter=date(2027, 1, 1))
    RoadmapItem.objects.create(client=other, area="Clear", title="Secret plan of another company",
                               quarter=date(2027, 1, 1))
    signed_in(client, contact.username)
    page = client.get(reverse("portal:it-plan")).content.decode()
    assert "Offsite backup" in page and "Secret plan" not in page and 'type="radio"' not in page
    assert "<select" not in page


def test_roadmap_pdf_is_a_real_pdf(client, demo):
    from bspos.vcio.models import RoadmapItem

    company = Client.objects.first()
    RoadmapItem.objects.create(client=company, area="Continuous", title="Offsite backup", quarter=date(2027, 1, 1))
    signed_in(client, "vcio")
    response = client.get(reverse("vcio:roadmap-pdf", args=[company.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert len(response.content) > 3000


def test_the_demo_leaves_a_7c_assessment_with_targets_and_a_proposed_roadmap(db):
    from bspos.vcio.services import assessment_scores

    load_demo(DemoSize(clients=3, months=1, seed=9, today=date(2026, 11, 20)))
    assessment = Assessment.objects.select_related("template").first()
    areas, overall = assessment_scores(assessment)
    assert assessment.template.key == "7c" and overall is not None
    assert all(area.target for area in areas)
    assert RoadmapItem.objects.filter(client=assessment.client, status="proposed").exists()


def test_parties_can_be_added_and_removed_on_the_matrix_page(client, demo):
    from bspos.vcio.models import Party

    company = Client.objects.first()
    signed_in(client, "vcio")
    url = reverse("vcio:matrix", args=[company.pk])
    client.get(url)
    client.post(url, {"action": "add-party", "name": "Accounting firm", "kind": "vendor"})
    party = Party.objects.get(client=company, name="Accounting firm")
    duplicate = client.post(url, {"action": "add-party", "name": "accounting FIRM", "kind": "vendor"}, follow=True)
    assert "already a party" in duplicate.content.decode()
    client.post(url, {"action": "remove-party", "party": party.pk})
    assert not Party.objects.filter(pk=party.pk).exists()
