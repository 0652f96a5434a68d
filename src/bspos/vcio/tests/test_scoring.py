import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from bspos.vcio.models import AssessmentTemplate
from bspos.vcio.services import FRAMEWORKS, export_template, import_template, score, validate_template

SCALE = [{"value": v, "label": str(v), "score": s} for v, s in ((0, 0), (1, 25), (2, 50), (3, 75), (4, 100))]
TEMPLATE = {"scale": SCALE, "areas": [
    {"code": "a", "name": "A", "questions": [{"code": "a1", "weight": 2}, {"code": "a2", "weight": 1}]},
    {"code": "b", "name": "B", "questions": [{"code": "b1", "weight": 1}]}]}


def test_weights_unanswered_and_not_applicable_by_hand():
    areas, overall = score(TEMPLATE, {"a1": 4, "a2": None, "b1": 2})  # a2 not applicable
    assert [a.score for a in areas] == [Decimal("100.0"), Decimal("50.0")]
    assert overall == Decimal("83.3")  # (2×100 + 1×50) ÷ (2×100 + 1×100)
    areas, overall = score(TEMPLATE, {"a2": 4})  # a1 and b1 unanswered count as 0
    assert [a.score for a in areas] == [Decimal("33.3"), Decimal("0.0")] and overall == Decimal("25.0")
    areas, _ = score(TEMPLATE, {"b1": None})
    assert areas[1].score is None  # nothing applies: no score rather than a fake 0


answer = st.one_of(st.none(), st.integers(0, 4))


@given(answers=st.dictionaries(st.sampled_from(["a1", "a2", "b1"]), answer),
       weights=st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5)))
def test_scores_stay_between_0_and_100_and_never_drop_when_an_answer_improves(answers, weights):
    template = json.loads(json.dumps(TEMPLATE))
    for question, weight in zip([*template["areas"][0]["questions"], *template["areas"][1]["questions"]], weights,
                                strict=True):
        question["weight"] = weight
    areas, overall = score(template, answers)
    assert all(a.score is None or 0 <= a.score <= 100 for a in areas)
    assert overall is None or 0 <= overall <= 100
    for code in ("a1", "a2", "b1"):
        if answers.get(code, 0) is not None and answers.get(code, 0) < 4:
            better = {**answers, code: answers.get(code, 0) + 1}
            assert score(template, better)[1] >= overall


def test_built_in_frameworks_are_valid_and_load_once():
    for path in FRAMEWORKS.glob("*.json"):
        validate_template(json.loads(path.read_text()))
    seven = json.loads((FRAMEWORKS / "7c.json").read_text())
    assert [a["name"] for a in seven["areas"]] == ["Continuous", "Competent", "Charged", "Conscious", "Controlled",
                                                   "Clear", "Cost effective"]
    nist = json.loads((FRAMEWORKS / "nist-csf-2.json").read_text())
    assert len(nist["areas"]) == 6 and sum(len(a["questions"]) for a in nist["areas"]) == 22


@pytest.mark.django_db
def test_import_is_versioned_idempotent_and_refuses_malformed_templates():
    built_in = AssessmentTemplate.objects.get(key="7c", version=1)  # loaded by the migration
    data = export_template(built_in)
    again, created = import_template(data)
    assert not created and again.pk == built_in.pk
    newer, created = import_template({**data, "version": 2, "name": "7C v2"})
    assert created and AssessmentTemplate.objects.filter(key="7c").count() == 2
    broken = {**data, "version": 3, "areas": [{"code": "x", "name": "X", "questions": [
        {"code": "q", "weight": 1}, {"code": "q", "weight": 0}]}]}
    with pytest.raises(ValidationError, match="repeated"):
        import_template(broken)
    assert not AssessmentTemplate.objects.filter(key="7c", version=3).exists()


@pytest.mark.django_db
def test_template_command_exports_and_imports_json(tmp_path, capsys):
    from django.core.management import CommandError, call_command

    call_command("assessment-template", "export", "nist-csf-2")
    data = json.loads(capsys.readouterr().out)
    assert data["key"] == "nist-csf-2" and len(data["areas"]) == 6
    path = tmp_path / "custom.json"
    path.write_text(json.dumps({**data, "key": "custom", "name": "Our own", "version": 1}))
    call_command("assessment-template", "import", str(path))
    assert "Imported" in capsys.readouterr().out and AssessmentTemplate.objects.filter(key="custom").exists()
    path.write_text("{not json")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("assessment-template", "import", str(path))
