"""PASTA proposals: diagnosis before the offer, the pricing guard before sending, the public link, acceptance
into one client and one agreement (idempotent), the lead moved on, versions and the sales figures."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from bspos.agreements.models import Agreement
from bspos.catalogue.tests.factories import AppFactory, QuantityDiscountFactory, ServiceFactory
from bspos.clients.models import Client
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.proposals import selectors, services
from bspos.proposals.models import Proposal, Status
from bspos.scorecard.tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db
PASTA = {"problem": "Partners lose 6 billable hours a month to outages.", "problem_cost_per_year": Decimal("36000"),
         "accentuate": "A breach would reach the bar.", "solution_text": "The Legal Practice Growth System.",
         "transformation": "Under 1 lost hour a month.", "direct_cost_per_month": Decimal("200")}


def written(lead=None, price="900", **fields) -> Proposal:
    seller = UserFactory(role=Role.VCIO)
    proposal = services.create_proposal(by=seller, title="Growth", lead=lead or OpportunityFactory(
        name="Hale & Co", contact_email="pat@hale.test"))
    services.update_proposal(proposal, by=seller, **{**PASTA, **fields})
    services.add_line(proposal=proposal, by=seller, description="Practice Growth System", unit_price=Decimal(price))
    return proposal


@settings(max_examples=40, deadline=None)
@given(price=st.decimals(min_value=0, max_value=5000, places=2),
       cost=st.decimals(min_value=0, max_value=2000, places=2),
       value=st.decimals(min_value=0, max_value=200000, places=2))
def test_the_guard_floor_is_three_times_the_cost_and_the_ceiling_a_third_of_the_problems_cost(price, cost, value):
    proposal = Proposal(problem_cost_per_year=value, direct_cost_per_month=cost)
    proposal.pk = None
    check = selectors.reports.guard(price, cost * 3, value / 12)
    assert check.floor == (cost * 3).quantize(Decimal("0.01"))
    assert check.below_floor == (price < check.floor)
    assert check.ceiling == (value / 12 / 3).quantize(Decimal("0.01"))
    assert check.above_ceiling == (price > check.ceiling)


def test_the_offer_comes_after_the_diagnosis():
    proposal = services.create_proposal(by=None, title="x", lead=OpportunityFactory())
    with pytest.raises(ValidationError, match="Diagnose first"):
        services.add_line(proposal=proposal, by=None, description="Anything", unit_price=Decimal("10"))


def test_catalogue_prices_and_the_quantity_discount_on_managed_apps():
    proposal = written()
    QuantityDiscountFactory(min_apps=2, percent=Decimal("10"))
    service = ServiceFactory(price=Decimal("25.00"))
    services.add_line(proposal=proposal, by=None, kind="service", service=service, quantity=Decimal("10"))
    for name in ("Clio", "Xero"):
        services.add_line(proposal=proposal, by=None, kind="app", app=AppFactory(name=name,
                                                                               licence_price=Decimal("10")))
    assert set(proposal.lines.filter(kind="app").values_list("discount_percent", flat=True)) == {Decimal("10")}
    assert selectors.totals(proposal)["monthly"] == Decimal("900") + Decimal("250") + Decimal("18.00")


def test_below_the_floor_is_refused_unless_the_owner_gives_a_reason():
    proposal = written(price="500")  # floor 600
    with pytest.raises(ValidationError, match="Below the floor"):
        services.send(proposal, by=UserFactory(role=Role.VCIO))
    owner = UserFactory(role=Role.OWNER)
    with pytest.raises(ValidationError, match="reason"):
        services.send(proposal, by=owner)
    assert services.send(proposal, by=owner, override_reason="Reference client for the bar association")
    proposal.refresh_from_db()
    assert proposal.status == Status.SENT and proposal.override_by == owner


def test_every_section_is_written_before_sending():
    proposal = written(transformation="")
    with pytest.raises(ValidationError, match="Transformation"):
        services.send(proposal, by=None)


def test_accepting_creates_one_client_and_one_agreement_and_moves_the_lead_even_on_a_double_click():
    lead = OpportunityFactory(name="Hale & Co", vertical="Legal", awareness_on=date(2026, 1, 5))
    proposal = written(lead=lead)
    token = services.send(proposal, by=None)
    lead.refresh_from_db()
    assert lead.conversion_on == timezone.localdate()
    services.decide(token, accept=True, name="Pat Hale", comment="Let's go")
    services.decide(token, accept=True, name="Pat Hale")  # the second click
    client = Client.objects.get()
    assert client.name == "Hale & Co" and client.status == "active" and client.vertical == "Legal"
    agreement = Agreement.objects.get()
    assert agreement.client == client and agreement.unit_price == Decimal("900.00")
    assert agreement.monthly_value == Decimal("3000.00")
    lead.refresh_from_db()
    assert lead.excitement_on == timezone.localdate() and lead.client == client
    with pytest.raises(ValidationError):
        services.decide(token, accept=False, name="Pat Hale")


def test_an_expired_or_unknown_link_reveals_nothing(client):
    proposal = written()
    token = services.send(proposal, by=None, expires_on=timezone.localdate() + timedelta(days=1))
    assert client.get(f"/p/{token}/").status_code == 200
    Proposal.objects.filter(pk=proposal.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    for link in (token, "not-a-token"):
        response = client.get(f"/p/{link}/")
        assert response.status_code == 404 and "Growth" not in response.content.decode()
    with pytest.raises(Http404):
        services.decide(token, accept=True, name="x")
    assert not Client.objects.exists()


def test_a_revision_replaces_the_sent_version_and_counts_as_pushback():
    proposal = written()
    token = services.send(proposal, by=None)
    second = services.revise(proposal, by=None)
    assert second.version == 2 and second.lines.count() == 1 and second.status == Status.DRAFT
    with pytest.raises(Http404):
        services.proposal_for_link(token)  # the old link stops working
    other = written()
    services.decide(services.send(other, by=None), accept=False, name="No thanks")
    today = timezone.localdate()
    figures = selectors.sales_figures(today - timedelta(days=30), today)
    assert figures["sent"] == 2 and figures["declined"] == 1 and figures["renegotiated"] == 1
    assert figures["pushback_rate"] == Decimal("100.0") and figures["win_rate"] == Decimal("0.0")


def test_the_prospect_accepts_on_the_public_page_and_a_missing_name_is_refused(client):
    token = services.send(written(), by=None)
    refused = client.post(f"/p/{token}/", {"name": "", "comment": "ok", "decision": "accept"})
    assert refused.status_code == 400 and not Client.objects.exists()
    client.post(f"/p/{token}/", {"name": "Pat Hale", "decision": "accept"})
    assert Proposal.objects.get().status == Status.ACCEPTED and Agreement.objects.count() == 1
    assert "accepted by Pat Hale" in client.get(f"/p/{token}/").content.decode()


def test_proposals_are_for_account_managers_and_the_owner(client):
    proposal = written()
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    assert client.get(f"/proposals/{proposal.pk}/").status_code == 403
    client.force_login(UserFactory(role=Role.VCIO))
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "within" in page and "Practice Growth System" in page
    assert client.get(f"/proposals/{proposal.pk}/proposal.pdf")["Content-Type"] == "application/pdf"


def test_readiness_pre_fills_s8_and_a6():
    services.send(written(), by=None)
    services.record_pricing_review(year=2026, held_on=timezone.localdate(), decision="Gold +8%")
    found = selectors.readiness_evidence(timezone.localdate())
    assert found["s8"][0] == 4 and found["a6"][0] == 2  # reviewed, but nobody pushed back yet


def test_the_api_gives_proposals_to_account_managers_only(client):
    from bspos.api.services import create_token

    proposal = written()
    _, secret = create_token(user=UserFactory(role=Role.VCIO), name="t", scope="read")
    body = client.get(f"/api/v1/proposals/{proposal.pk}", headers={"Authorization": f"Bearer {secret}"}).json()
    assert body["guard"]["verdict"] == "within" and body["monthly_total"] == "900.00"
    assert body["lines"][0]["description"] == "Practice Growth System"
    _, other = create_token(user=UserFactory(role=Role.TECHNICIAN), name="t", scope="read")
    assert client.get("/api/v1/proposals", headers={"Authorization": f"Bearer {other}"}).status_code == 403
    figures = client.get("/api/v1/proposals/figures", headers={"Authorization": f"Bearer {secret}"}).json()
    assert figures["sent"] == 0
