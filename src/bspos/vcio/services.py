"""vCIO rules: importing templates, scoring (0-100 per area and overall: the ITCq), targets and gaps, CEO links."""

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bspos.audit.services import delete_audited, record, snapshot
from bspos.core.money import percent
from bspos.vcio.models import Answer, Assessment, AssessmentTemplate, QuestionnaireLink, RoadmapItem, Target

FRAMEWORKS = Path(__file__).parent / "frameworks"
LINK_DAYS = 14


def validate_template(data: dict) -> None:
    """A clear error for a malformed template; nothing is imported."""
    problems = []
    for key in ("key", "name", "version", "scale", "areas"):
        if key not in data:
            problems.append(f"missing “{key}”")
    if problems:
        raise ValidationError(f"Template is not valid: {', '.join(problems)}.")
    values = [step.get("value") for step in data["scale"]]
    if not values or len(set(values)) != len(values) or any(
            not isinstance(step.get("score"), int | float) or not 0 <= step["score"] <= 100 for step in data["scale"]):
        problems.append("the scale needs distinct values each with a score from 0 to 100")
    codes = set()
    for area in data["areas"]:
        if not area.get("code") or not area.get("questions"):
            problems.append(f"area {area.get('name', '?')} needs a code and questions")
            continue
        for question in area["questions"]:
            code = question.get("code")
            if not code or code in codes:
                problems.append(f"question code “{code}” is missing or repeated")
            codes.add(code)
            if not isinstance(question.get("weight", 1), int | float) or question.get("weight", 1) <= 0:
                problems.append(f"question {code} needs a positive weight")
    if problems:
        raise ValidationError(f"Template is not valid: {'; '.join(problems)}.")


@transaction.atomic
def import_template(data: dict) -> tuple[AssessmentTemplate, bool]:
    """Add a template version; the same key and version again changes nothing (returns created=False)."""
    validate_template(data)
    existing = AssessmentTemplate.objects.filter(key=data["key"], version=data["version"]).first()
    if existing:
        return existing, False
    return AssessmentTemplate.objects.create(
        key=data["key"], version=data["version"], name=data["name"], kind=data.get("kind", "maturity"),
        description=data.get("description", ""), data={"scale": data["scale"], "areas": data["areas"]}), True


def export_template(template: AssessmentTemplate) -> dict:
    return {"key": template.key, "version": template.version, "name": template.name, "kind": template.kind,
            "description": template.description, **template.data}


def import_built_in() -> list[AssessmentTemplate]:
    return [import_template(json.loads(path.read_text()))[0] for path in sorted(FRAMEWORKS.glob("*.json"))]


@dataclass
class AreaScore:
    code: str
    name: str
    score: Decimal | None  # None when every question is not applicable
    answered: int
    questions: int
    target: int | None = None

    @property
    def gap(self) -> Decimal | None:
        return None if self.target is None or self.score is None else Decimal(self.target) - self.score


def score(template_data: dict, answers: dict[str, int | None]) -> tuple[list[AreaScore], Decimal | None]:
    """0-100 per area: Σ weight × score(answer) ÷ Σ weight × 100 over the questions that apply. A question marked
    not applicable (None) leaves both sums; an unanswered question counts as 0 (nothing is in place until said).
    Overall (the ITCq) pools every applicable question's weight the same way."""
    scale = {step["value"]: Decimal(str(step["score"])) for step in template_data["scale"]}
    areas, total_got, total_max = [], Decimal(0), Decimal(0)
    for area in template_data["areas"]:
        got, most, answered = Decimal(0), Decimal(0), 0
        for question in area["questions"]:
            weight = Decimal(str(question.get("weight", 1)))
            if question["code"] in answers and answers[question["code"]] is None:
                continue  # not applicable
            value = answers.get(question["code"])
            if value is not None:
                answered += 1
                got += weight * scale.get(value, Decimal(0))
            most += weight * 100
        areas.append(AreaScore(area["code"], area["name"], _pct(got, most), answered, len(area["questions"])))
        total_got, total_max = total_got + got, total_max + most
    return areas, _pct(total_got, total_max)


def _pct(got: Decimal, most: Decimal) -> Decimal | None:
    return percent(got, most)


def answers_of(assessment: Assessment) -> dict[str, int | None]:
    return {a.question: None if a.not_applicable else a.value for a in assessment.answers.all()}


def assessment_scores(assessment: Assessment) -> tuple[list[AreaScore], Decimal | None]:
    areas, overall = score(assessment.template.data, answers_of(assessment))
    targets = {target.area: target.score for target in assessment.targets.all()}  # prefetched in lists
    for area in areas:
        area.target = targets.get(area.code)
    return areas, overall


def save_answers(assessment: Assessment, posted: dict, *, by=None) -> int:
    """Store answers from a form (question code → scale value or 'na'; 'evidence-<code>'); blank keeps nothing.
    Validates everything first, then writes in one transaction."""
    if assessment.status != Assessment.Status.OPEN:
        raise ValidationError("This assessment is closed; start a new one to answer again.")
    scale = {str(step["value"]) for step in assessment.template.data["scale"]}
    rows = []
    for area in assessment.template.data["areas"]:
        for question in area["questions"]:
            code = question["code"]
            raw = (posted.get(code) or "").strip()
            evidence = (posted.get(f"evidence-{code}") or "").strip()[:5000]
            if not raw:
                continue
            if raw != "na" and raw not in scale:
                raise ValidationError(f"“{raw}” is not an answer to {code}.")
            rows.append((code, None if raw == "na" else int(raw), raw == "na", evidence))
    with transaction.atomic():
        for code, value, na, evidence in rows:
            Answer.objects.update_or_create(assessment=assessment, question=code, defaults={
                "value": value, "not_applicable": na, "evidence": evidence, "answered_by": by})
    return len(rows)


def set_targets(assessment: Assessment, posted: dict) -> None:
    codes = [area["code"] for area in assessment.template.data["areas"]]
    values = {}
    for code in codes:
        raw = (posted.get(f"target-{code}") or "").strip()
        if not raw:
            continue
        if not raw.isdigit() or not 0 <= int(raw) <= 100:
            raise ValidationError(f"The target for {code} must be a whole number from 0 to 100.")
        values[code] = int(raw)
    with transaction.atomic():
        for code, value in values.items():
            Target.objects.update_or_create(assessment=assessment, area=code, defaults={"score": value})


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(assessment: Assessment, *, sent_to: str = "", by=None, days: int = LINK_DAYS) -> tuple[
        QuestionnaireLink, str]:
    """A new link; the token is returned once and only its SHA-256 is kept."""
    token = secrets.token_urlsafe(32)
    link = QuestionnaireLink.objects.create(assessment=assessment, token_hash=_hash(token), sent_to=sent_to,
                                            expires_at=timezone.now() + timedelta(days=days), created_by=by)
    return link, token


class LinkRefused(Exception):
    """The link is unknown, expired or revoked; the message says which, for the person holding it."""


def open_link(token: str) -> QuestionnaireLink:
    link = QuestionnaireLink.objects.select_related("assessment__client", "assessment__template").filter(
        token_hash=_hash(token or "")).first()
    if link is None:
        raise LinkRefused("This link is not valid. Ask your IT partner for a new one.")
    if link.revoked_at:
        raise LinkRefused("This link was withdrawn. Ask your IT partner for a new one.")
    if link.expires_at <= timezone.now():
        raise LinkRefused(f"This link expired on {timezone.localtime(link.expires_at):%d %B %Y}. "
                          "Ask your IT partner for a new one.")
    if link.assessment.status != Assessment.Status.OPEN:
        raise LinkRefused("This assessment is closed. Thank you for your answers.")
    QuestionnaireLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    return link






@transaction.atomic
def start_assessment(*, client, template: AssessmentTemplate, by=None) -> Assessment:
    """Begin a framework's assessment of a client (open until closed)."""
    assessment = Assessment.objects.create(client=client, template=template, started_by=by)
    record(by, assessment, None)
    return assessment


@transaction.atomic
def close_assessment(*, assessment: Assessment, by=None) -> Assessment:
    """Close it: answers are final and its questionnaire links stop opening."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status == Assessment.Status.CLOSED:
        raise ValidationError("This assessment is already closed.")
    before = snapshot(assessment)
    assessment.status, assessment.closed_at = Assessment.Status.CLOSED, timezone.now()
    assessment.save(update_fields=["status", "closed_at"])
    record(by, assessment, before)
    return assessment


@transaction.atomic
def revoke_link(*, link: QuestionnaireLink, by=None) -> bool:
    """Withdraw a questionnaire link; True when it was still open."""
    if not QuestionnaireLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
        return False
    link.refresh_from_db()
    record(by, link, {"revoked_at": None})
    return True


@transaction.atomic
def save_roadmap_item(item: RoadmapItem, *, by=None) -> RoadmapItem:
    """Add or change a roadmap item: planned for a quarter (any day of it is its first day), owned by one of its
    client's parties, investments not negative."""
    before = snapshot(RoadmapItem.objects.get(pk=item.pk)) if item.pk else None
    item.full_clean()
    item.save()
    record(by, item, before)
    return item


@transaction.atomic
def delete_roadmap_item(item: RoadmapItem, *, by=None) -> None:
    delete_audited(item, by)


def suggest_roadmap(assessment: Assessment, *, threshold: int = 1) -> int:
    """Proposed items from the weakest answers (at or below `threshold`, or unanswered): the template's action,
    high priority for weighted questions; a question that already has an open item is not proposed twice."""
    answers = answers_of(assessment)
    open_items = set(RoadmapItem.objects.filter(client=assessment.client).exclude(
        status__in=[RoadmapItem.Status.DONE, RoadmapItem.Status.CANCELLED]).values_list("question", flat=True))
    start = assessment.client.fiscal_quarter(timezone.localdate()).next().first
    rows = []
    for area in assessment.template.data["areas"]:
        for question in area["questions"]:
            code = question["code"]
            if code in answers and answers[code] is None:
                continue  # not applicable
            if answers.get(code, 0) > threshold or code in open_items or not question.get("action"):
                continue
            rows.append(RoadmapItem(client=assessment.client, assessment=assessment, question=code, area=area["name"],
                                    title=question["action"][:300], quarter=start,
                                    priority=RoadmapItem.Priority.HIGH if question.get("weight", 1) > 1
                                    else RoadmapItem.Priority.MEDIUM))
    RoadmapItem.objects.bulk_create(rows)
    return len(rows)
