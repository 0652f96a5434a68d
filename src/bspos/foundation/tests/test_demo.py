"""The demo MSP's foundation reads like a real one: a primary ICP most of the business matches, a warned
technology name, a value that is marketing copy, an overdue SLA review, clients to migrate to the new MSA."""

import pytest
from django.utils import timezone

from bspos.demo.services import DemoSize, load_demo
from bspos.foundation import selectors
from bspos.foundation.models import Solution

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    return load_demo(DemoSize(clients=12, months=3, seed=19, today=timezone.localdate()))


def test_the_demo_foundation_shows_every_state(demo):
    today = timezone.localdate()
    icp = selectors.primary_icp()
    reach = selectors.icp_reach(icp, today)
    assert icp.name == "Law firms" and 0 < reach["clients"] < 100 and reach["leads"] is not None
    assert any(s.technology_phrases for s in Solution.objects.all())
    assert [row.value.name for row in selectors.values_overview()["rows"] if row.marketing_copy] == ["Excellence"]
    legal = {row["kind"]: row for row in selectors.legal_overview(today)}
    assert legal["sla"]["overdue"] and not legal["msa"]["overdue"] and legal["msa"]["outdated"]
    assert not selectors.construct_checklist(today)["done"]
    assert {"s1", "s2", "s3", "s4", "s5", "c4", "c5", "c6"} <= set(selectors.readiness_evidence(today))
    arr = selectors.vision_progress(selectors.current_vision(), today)[0]
    assert arr["measure"].live == "arr" and arr["value"] > 0


def test_the_demo_has_a_year_of_proposals_won_lost_and_pushed_back(demo):
    from datetime import timedelta

    from bspos.proposals.selectors import sales_figures

    today = timezone.localdate()
    figures = sales_figures(today - timedelta(days=365), today)
    assert figures["accepted"] and figures["declined"] and figures["pushback_rate"]
