"""An assessment's history: every assessment of the same client and framework, and any two side by side.

A closed assessment is read from its snapshot (as it was when closed); one still open from its rows.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from bspos.vcio import services
from bspos.vcio.models import Assessment


def same_framework(assessment: Assessment):
    """The client's assessments of this framework (any version), oldest first, ready for scoring."""
    return (Assessment.objects.filter(client_id=assessment.client_id, template__key=assessment.template.key)
            .select_related("template", "snapshot").prefetch_related("answers", "targets")
            .order_by("created_at", "pk"))


def history(assessment: Assessment) -> list[dict]:
    """Each assessment of the framework with its overall score and the change from the one before."""
    rows, before = [], None
    for earlier in same_framework(assessment):
        overall = services.assessment_scores(earlier)[1]
        rows.append({"assessment": earlier, "overall": overall, "change": _change(before, overall)})
        before = overall
    return rows


def _change(first: Decimal | None, second: Decimal | None) -> Decimal | None:
    return None if first is None or second is None else second - first


def answer_labels(assessment: Assessment) -> dict[str, str]:
    """Question code → the answer as a person reads it ("Partly in place", "Not applicable")."""
    kept = services.frozen(assessment)
    if kept is not None:
        return {row["question"]: row["label"] for row in kept["answers"]}
    labels = {step["value"]: step["label"] for step in assessment.template.data["scale"]}
    return {answer.question: "Not applicable" if answer.not_applicable else labels.get(answer.value, str(answer.value))
            for answer in assessment.answers.all()}


@dataclass
class Comparison:
    first: Assessment
    second: Assessment
    overall: dict
    areas: list[dict]
    questions: list[dict]

    @property
    def changed(self) -> int:
        return sum(row["changed"] for row in self.questions)


def compare(first: Assessment, second: Assessment) -> Comparison:
    """Two assessments of one client's framework, the older first: overall and per-area scores with the change,
    and every question's answer in each (questions of either template version, by code)."""
    if first.client_id != second.client_id or first.template.key != second.template.key:
        raise ValidationError("Only assessments of the same client and framework can be compared.")
    first, second = sorted((first, second), key=lambda a: (a.created_at, a.pk))
    (areas_a, overall_a), (areas_b, overall_b) = services.assessment_scores(first), services.assessment_scores(second)
    scores_a = {area.code: area.score for area in areas_a}
    areas = [{"code": area.code, "name": area.name, "first": scores_a.get(area.code), "second": area.score,
              "change": _change(scores_a.get(area.code), area.score)} for area in areas_b]
    answers_a, answers_b = answer_labels(first), answer_labels(second)
    questions, seen = [], set()
    for template in (second.template, first.template):
        for area in template.data["areas"]:
            for question in area["questions"]:
                code = question["code"]
                if code in seen:
                    continue
                seen.add(code)
                a, b = answers_a.get(code, "—"), answers_b.get(code, "—")
                questions.append({"code": code, "area": area["name"], "text": question["text"], "first": a,
                                  "second": b, "changed": a != b})
    return Comparison(first, second, {"first": overall_a, "second": overall_b, "change": _change(overall_a, overall_b)},
                      areas, questions)
