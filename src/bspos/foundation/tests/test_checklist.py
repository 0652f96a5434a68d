"""The Construct-phase "done" checklist: lines from the data, the rest answered by the owner; "almost" is not
done."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from bspos.catalogue.tests.factories import AppFactory
from bspos.foundation import selectors, services
from bspos.foundation.tests.factories import IcpFactory, SolutionFactory, ValueFactory, VersionFactory, VisionFactory
from bspos.knowledge.models import ChecklistKind, ChecklistRun, ChecklistTemplate
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def lines(today=None) -> dict:
    return {line["key"]: line for line in selectors.construct_checklist(today or timezone.localdate())["lines"]}


def test_every_data_line_is_evaluated_from_the_records():
    tech = UserFactory(role=Role.TECHNICIAN)
    template = ChecklistTemplate.objects.create(name="New tech", kind=ChecklistKind.TECH_ONBOARDING)
    started = timezone.now() - timedelta(days=20)
    ChecklistRun.objects.create(template=template, kind=template.kind, person=tech, title="Onboard",
                                started_at=started, completed_at=started + timedelta(days=10))
    solution = SolutionFactory(icp=IcpFactory())
    solution.icp_tools.add(AppFactory(name="Clio"))
    values = [ValueFactory() for _ in range(3)]
    for value in values:
        services.record_value_decision(value=value, kind="hiring", decided_on=date(2026, 1, 5), people="x",
                                       description="y")
    VisionFactory()
    for kind in ("msa", "sla", "terms"):
        VersionFactory(document__kind=kind, reviewed_on=timezone.localdate() - timedelta(days=30))
    found = lines()
    for key in ("onboarding", "icp_tool", "values_used", "mission", "legal"):
        assert found[key]["done"], (key, found[key]["evidence"])
    assert "10.0 days" in found["onboarding"]["evidence"] and "Clio" in found["icp_tool"]["evidence"]


def test_values_on_paper_only_and_an_old_review_are_not_done():
    ValueFactory.create_batch(3)  # no decision behind them
    VersionFactory(document__kind="msa", reviewed_on=date(2020, 1, 1))
    found = lines()
    assert not found["values_used"]["done"] and not found["legal"]["done"] and not found["onboarding"]["done"]


def test_almost_is_shown_as_not_done(client):
    owner = UserFactory(role=Role.OWNER)
    services.answer_checklist(line="two_weeks", answer="almost", by=owner)
    services.answer_checklist(line="mission_by_heart", answer="yes", by=owner)
    found = lines()
    assert not found["two_weeks"]["done"] and found["mission_by_heart"]["done"]
    client.force_login(owner)
    page = client.get("/foundation/checklist/").content.decode()
    assert "Not done:" in page
    assert client.post("/foundation/checklist/", {"line": "legal", "answer": "yes"}).status_code == 400
