"""vCIO rules: importing templates, scoring (0-100 per area and overall: the ITCq), targets and gaps, CEO links."""

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from bspos.audit.services import delete_audited, record, snapshot
from bspos.core.money import percent
from bspos.core.permissions import Can, can
from bspos.vcio import selectors
from bspos.vcio.models import (
    Answer,
    Assessment,
    AssessmentSnapshot,
    AssessmentTemplate,
    QuestionnaireLink,
    RoadmapItem,
    Target,
)

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


def frozen(assessment: Assessment) -> dict | None:
    """A closed assessment's snapshot (what it showed when closed); None while it is not closed, or for one closed
    before snapshots were kept (its rows, which nothing may change, are read instead)."""
    if assessment.status != Assessment.Status.CLOSED:
        return None
    try:
        return assessment.snapshot.data
    except AssessmentSnapshot.DoesNotExist:
        return None


def assessment_scores(assessment: Assessment) -> tuple[list[AreaScore], Decimal | None]:
    """Scores per area with targets and the overall one: a closed assessment's as they were when it closed."""
    kept = frozen(assessment)
    if kept is not None:
        return [AreaScore(a["code"], a["name"], _decimal(a["score"]), a["answered"], a["questions"], a["target"])
                for a in kept["areas"]], _decimal(kept["overall"])
    areas, overall = score(assessment.template.data, answers_of(assessment))
    targets = {target.area: target.score for target in assessment.targets.all()}  # prefetched in lists
    for area in areas:
        area.target = targets.get(area.code)
    return areas, overall


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


# --- the two stages: who may change an answer when --------------------------------------------------------------

CLOSED = "This assessment is closed and kept as it was; start a new one to answer again."


def reviews(user) -> bool:
    """The vCIO (and the owner) review answers; technicians and the CEO's link prepare them."""
    return user is not None and can(user, Can.VCIO)


def stage_refusal(assessment: Assessment, *, by) -> str:
    """Why `by` (None: the CEO's link) cannot change this assessment's answers now; '' when they can. Being
    prepared: anybody who answers; in review: the vCIO only; shared or closed: nobody."""
    if assessment.status == Assessment.Status.CLOSED:
        return CLOSED
    if assessment.status == Assessment.Status.SHARED:
        return "This assessment is shared with the client and its answers are final; close it and start a new one."
    if assessment.status == Assessment.Status.REVIEW and not reviews(by):
        return "This assessment is with the vCIO for review; answers they send back can be changed again."
    return ""


def answer_refusal(assessment: Assessment, answer: Answer | None, *, by) -> str:
    """Why `by` cannot change this answer (its value, evidence or files) now; '' when they can. An answer the vCIO
    accepted is theirs: only a reviewer changes it."""
    refusal = stage_refusal(assessment, by=by)
    if not refusal and answer is not None and answer.review == Answer.Review.ACCEPTED and not reviews(by):
        refusal = f"The vCIO accepted the answer to {answer.question}; only they can change it."
    return refusal


def refuse_if_closed(assessment: Assessment) -> None:
    if assessment.status == Assessment.Status.CLOSED:
        raise ValidationError(CLOSED)


def locked(assessment: Assessment) -> Assessment:
    """The assessment's row as it is now, locked until the transaction ends (status checks see the latest)."""
    return Assessment.objects.select_for_update(of=("self",)).select_related("template", "client").get(
        pk=assessment.pk)


def review_stamp(by) -> dict:
    """An answer written by the vCIO is accepted as written; anybody else's waits for their review."""
    if reviews(by):
        return {"review": Answer.Review.ACCEPTED, "reviewed_by": by, "reviewed_at": timezone.now()}
    return {"review": Answer.Review.WAITING}


def save_answers(assessment: Assessment, posted: dict, *, by=None) -> int:
    """Store answers from a form (question code → scale value or 'na'; 'evidence-<code>'); blank keeps nothing,
    an unchanged answer is left as it is. Validates everything first, then writes in one transaction; who may
    change which answer is `answer_refusal`."""
    refusal = stage_refusal(assessment, by=by)
    if refusal:
        raise ValidationError(refusal)
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
        assessment = locked(assessment)
        if refusal := stage_refusal(assessment, by=by):
            raise ValidationError(refusal)
        current = {answer.question: answer for answer in assessment.answers.all()}
        changed = [row for row in rows if (answer := current.get(row[0])) is None
                   or (answer.value, answer.not_applicable, answer.evidence) != row[1:]]
        refusals = [reason for code, *_ in changed if (reason := answer_refusal(assessment, current.get(code), by=by))]
        if refusals:
            raise ValidationError(refusals)
        for code, value, na, evidence in changed:
            before = snapshot(current[code]) if code in current else None
            answer, _ = Answer.objects.update_or_create(assessment=assessment, question=code, defaults={
                "value": value, "not_applicable": na, "evidence": evidence,
                "answered_by": by if getattr(by, "is_authenticated", False) else None, **review_stamp(by)})
            record(by, answer, before)
    return len(changed)


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
        refuse_if_closed(locked(assessment))
        for code, value in values.items():
            Target.objects.update_or_create(assessment=assessment, area=code, defaults={"score": value})


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(assessment: Assessment, *, sent_to: str = "", by=None, days: int = LINK_DAYS) -> tuple[
        QuestionnaireLink, str]:
    """A new link while the assessment is being prepared; the token is returned once and only its SHA-256 kept."""
    refuse_if_closed(assessment)
    if assessment.status != Assessment.Status.OPEN:
        raise ValidationError("The CEO's link answers an assessment being prepared; this one is past that stage.")
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
    if link.assessment.status == Assessment.Status.CLOSED:
        raise LinkRefused("This assessment is closed. Thank you for your answers.")
    if link.assessment.status != Assessment.Status.OPEN:
        raise LinkRefused("Your answers are with your IT partner for review. Thank you.")
    QuestionnaireLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    return link

def last_closed(*, client, template: AssessmentTemplate) -> Assessment | None:
    """The client's latest closed assessment of the same framework (any version): where a new one starts from."""
    return (Assessment.objects.filter(client=client, template__key=template.key, status=Assessment.Status.CLOSED)
            .order_by("-closed_at", "-pk").first())


@transaction.atomic
def start_assessment(*, client, template: AssessmentTemplate, by=None) -> Assessment:
    """Begin a framework's assessment of a client, being prepared until reviewed. It starts from the last closed
    one's answers (evidence included, each waiting for review again) and targets, for the questions and areas
    this template version still has."""
    previous = last_closed(client=client, template=template)
    assessment = Assessment.objects.create(client=client, template=template, started_by=by, carried_from=previous)
    record(by, assessment, None)
    if previous is not None:
        scale = {step["value"] for step in template.data["scale"]}
        codes = {question["code"] for area in template.data["areas"] for question in area["questions"]}
        Answer.objects.bulk_create([
            Answer(assessment=assessment, question=old.question, value=old.value, not_applicable=old.not_applicable,
                   evidence=old.evidence, answered_by=old.answered_by, review=Answer.Review.WAITING)
            for old in previous.answers.all() if old.question in codes and (old.not_applicable or old.value in scale)])
        areas = {area["code"] for area in template.data["areas"]}
        Target.objects.bulk_create([Target(assessment=assessment, area=old.area, score=old.score)
                                    for old in previous.targets.all() if old.area in areas])
    return assessment


def _change_stage(assessment: Assessment, by, **fields) -> Assessment:
    before = snapshot(assessment)
    for name, value in fields.items():
        setattr(assessment, name, value)
    assessment.save(update_fields=list(fields))
    record(by, assessment, before)
    return assessment


def _require_reviewer(by) -> None:
    if not reviews(by):
        raise PermissionDenied("Only the vCIO reviews, shares and closes an assessment.")


@transaction.atomic
def submit_for_review(*, assessment: Assessment, by=None) -> Assessment:
    """The preparer hands the assessment to the vCIO: being prepared → in review."""
    assessment = locked(assessment)
    refuse_if_closed(assessment)
    if assessment.status != Assessment.Status.OPEN:
        raise ValidationError(f"Only an assessment being prepared goes to review; this one is "
                              f"{assessment.get_status_display().lower()}.")
    if not assessment.answers.exists():
        raise ValidationError("Answer at least one question before sending it for review.")
    return _change_stage(assessment, by, status=Assessment.Status.REVIEW, submitted_at=timezone.now())


@transaction.atomic
def review_answer(*, assessment: Assessment, question: str, decision: str, note: str = "", by=None) -> Answer:
    """The vCIO accepts one answer, or sends it back with a note saying what to change; sending one back returns
    an assessment in review to being prepared."""
    _require_reviewer(by)
    assessment = locked(assessment)
    if refusal := stage_refusal(assessment, by=by):
        raise ValidationError(refusal)
    if decision not in (Answer.Review.ACCEPTED, Answer.Review.SENT_BACK):
        raise ValidationError({"decision": "Accept the answer or send it back."})
    note = (note or "").strip()[:5000]
    if decision == Answer.Review.SENT_BACK and not note:
        raise ValidationError({"note": "Say what to change when sending an answer back."})
    answer = assessment.answers.filter(question=question).first()
    if answer is None:
        raise ValidationError({"question": f"Nobody answered {question} yet; there is nothing to review."})
    before = snapshot(answer)
    answer.review, answer.reviewed_by, answer.reviewed_at = decision, by, timezone.now()
    answer.review_note = note if decision == Answer.Review.SENT_BACK else ""
    answer.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_note"])
    record(by, answer, before)
    if decision == Answer.Review.SENT_BACK and assessment.status == Assessment.Status.REVIEW:
        _change_stage(assessment, by, status=Assessment.Status.OPEN)
    return answer


@transaction.atomic
def accept_waiting(*, assessment: Assessment, by=None) -> int:
    """Accept every answer waiting for review (those sent back stay sent back); returns how many."""
    _require_reviewer(by)
    assessment = locked(assessment)
    if refusal := stage_refusal(assessment, by=by):
        raise ValidationError(refusal)
    waiting = list(assessment.answers.filter(review=Answer.Review.WAITING))
    for answer in waiting:
        before = snapshot(answer)
        answer.review, answer.reviewed_by, answer.reviewed_at = Answer.Review.ACCEPTED, by, timezone.now()
        answer.save(update_fields=["review", "reviewed_by", "reviewed_at"])
        record(by, answer, before)
    return len(waiting)


def review_refusal(assessment: Assessment) -> str:
    """Why the assessment cannot be shared or closed yet: answers waiting for review or sent back."""
    counts = {row["review"]: row["n"] for row in assessment.answers.values("review").annotate(n=models.Count("pk"))}
    parts = [f"{counts[state]} {label}" for state, label in ((Answer.Review.WAITING, "waiting for review"),
                                                             (Answer.Review.SENT_BACK, "sent back"))
             if counts.get(state)]
    return f"Review every answer first: {' and '.join(parts)}." if parts else ""


@transaction.atomic
def share_assessment(*, assessment: Assessment, by=None) -> Assessment:
    """Reviewed: every answer accepted, the client's contacts see it in the portal."""
    _require_reviewer(by)
    assessment = locked(assessment)
    refuse_if_closed(assessment)
    if assessment.status == Assessment.Status.SHARED:
        raise ValidationError("This assessment is already shared with the client.")
    if not assessment.answers.exists():
        raise ValidationError("Nothing is answered yet; there is nothing to share.")
    if refusal := review_refusal(assessment):
        raise ValidationError(refusal)
    return _change_stage(assessment, by, status=Assessment.Status.SHARED, shared_at=timezone.now())


@transaction.atomic
def close_assessment(*, assessment: Assessment, by=None) -> Assessment:
    """Close it once reviewed: nothing about it changes again, its questionnaire links stop opening, and its
    scores, answers and the client's roadmap and IT budget are kept as they are now (the snapshot)."""
    _require_reviewer(by)
    assessment = locked(assessment)
    if assessment.status == Assessment.Status.CLOSED:
        raise ValidationError("This assessment is already closed.")
    if refusal := review_refusal(assessment):
        raise ValidationError(refusal)
    now = timezone.now()
    AssessmentSnapshot.objects.create(assessment=assessment, taken_at=now, data=snapshot_data(assessment))
    return _change_stage(assessment, by, status=Assessment.Status.CLOSED, closed_at=now,
                         shared_at=assessment.shared_at or now)


def _text(value) -> str | None:
    return None if value is None else str(value)


def snapshot_data(assessment: Assessment) -> dict:
    """What the closed assessment's page shows from then on, JSON-ready (amounts and scores as text)."""
    areas, overall = assessment_scores(assessment)
    labels = {step["value"]: step["label"] for step in assessment.template.data["scale"]}
    client = assessment.client
    answers = assessment.answers.select_related("answered_by", "reviewed_by").prefetch_related("files")
    items = RoadmapItem.objects.filter(client=client).select_related("client", "owner", "ticket")
    return {
        "overall": _text(overall),
        "areas": [{"code": a.code, "name": a.name, "score": _text(a.score), "answered": a.answered,
                   "questions": a.questions, "target": a.target, "gap": _text(a.gap)} for a in areas],
        "answers": [{"question": a.question, "value": a.value, "not_applicable": a.not_applicable,
                     "label": "Not applicable" if a.not_applicable else labels.get(a.value, str(a.value)),
                     "evidence": a.evidence, "answered_by": str(a.answered_by or "the CEO"),
                     "reviewed_by": str(a.reviewed_by or ""), "files": [f.original_name for f in a.files.all()]}
                    for a in answers],
        "roadmap": [{"id": item.pk, "title": item.title, "area": item.area, "question": item.question,
                     "status": item.status, "status_label": item.get_status_display(), "priority": item.priority,
                     "quarter": item.quarter.isoformat(), "quarter_label": item.fiscal_quarter.label,
                     "one_time": str(item.one_time), "monthly": str(item.monthly),
                     "owner": item.owner.name if item.owner else "",
                     "ticket": item.ticket.number if item.ticket_id else None} for item in items],
        "budget": [{"label": year["label"], "one_time": str(year["one_time"]), "recurring": str(year["recurring"]),
                    "total": str(year["total"])} for year in selectors.budget_by_year(client)],
    }


@transaction.atomic
def revoke_link(*, link: QuestionnaireLink, by=None) -> bool:
    """Withdraw a questionnaire link; True when it was still open."""
    refuse_if_closed(link.assessment)
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
