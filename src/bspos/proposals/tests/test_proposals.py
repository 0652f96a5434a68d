"""PASTA proposals: diagnosis before the offer, the pricing guard before sending, the public link, acceptance
into one client and one agreement (idempotent), the lead moved on, versions and the sales figures."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bspos.agreements.models import Agreement
from bspos.catalogue.tests.factories import AppFactory, QuantityDiscountFactory, ServiceFactory
from bspos.clients.models import Client
from bspos.core.money import cents
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.proposals import selectors, services
from bspos.proposals.models import Proposal, Status
from bspos.scorecard.models import Opportunity
from bspos.scorecard.tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db
PASTA = {"problem": "Partners lose 6 billable hours a month to outages.", "problem_cost_per_year": Decimal("36000"),
         "accentuate": "A breach would reach the bar.", "solution_text": "The Legal Practice Growth System.",
         "transformation": "Under 1 lost hour a month.", "direct_cost_per_month": Decimal("200")}


def written(lead=None, price="900", title="Growth", **fields) -> Proposal:
    seller = UserFactory(role=Role.VCIO)
    proposal = services.create_proposal(by=seller, title=title, lead=lead or OpportunityFactory(
        name="Hale & Co", contact_email="pat@hale.test"))
    services.update_proposal(proposal, by=seller, **{**PASTA, **fields})
    services.add_line(proposal=proposal, by=seller, description="Practice Growth System", unit_price=Decimal(price))
    return proposal


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(price=st.decimals(min_value=0, max_value=5000, places=2),
       cost=st.decimals(min_value=0, max_value=2000, places=2),
       value=st.decimals(min_value=0, max_value=200000, places=2))
def test_the_guard_on_a_proposal_floors_at_three_times_its_cost_caps_at_a_third_of_the_problem_and_refuses_to_send(
        price, cost, value):
    with transaction.atomic():  # each example in a savepoint, rolled back
        proposal = written(price=str(price), direct_cost_per_month=cost, problem_cost_per_year=value)
        services.add_line(proposal=proposal, by=None, description="Onboarding", unit_price=Decimal("999"),
                          monthly=False)  # one-time: never part of the monthly price
        check = selectors.guard(proposal)
        assert check.price == price and check.floor == cents(cost) * 3
        assert check.ceiling == cents(value / 36)  # a third of the problem's cost per month
        assert check.below_floor == (price < cost * 3) and check.above_ceiling == (price > check.ceiling)
        seller = UserFactory(role=Role.VCIO)
        if check.below_floor:
            with pytest.raises(ValidationError, match="Below the floor"):
                services.send(proposal, by=seller)
            assert Proposal.objects.get(pk=proposal.pk).status == Status.DRAFT
        else:
            assert services.send(proposal, by=seller)
        transaction.set_rollback(True)


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


def test_the_pricing_review_keeps_the_pushback_of_proposals_and_renewals():
    from bspos.agreements.tests.factories import AgreementFactory
    from bspos.clients.tests.factories import ClientFactory

    today = timezone.localdate()
    services.decide(services.send(written(), by=None), accept=False, name="Too dear")  # proposal pushback
    services.send(written(), by=None)  # sent, no answer yet
    year_ago = today - timedelta(days=300)
    AgreementFactory(client=ClientFactory(), start_date=year_ago, end_date=today - timedelta(days=5))  # not renewed
    AgreementFactory(start_date=today - timedelta(days=400))  # its term ended 35 days ago: renewed as it stood
    review = services.record_pricing_review(year=today.year, held_on=today, decision="Hold prices")
    assert (review.proposals_sent, review.proposals_pushback, review.renewals_due, review.renewals_pushback) == (
        2, 1, 2, 1)
    assert review.pushback_rate == Decimal("50.0")
    assert selectors.pricing_reviews()[0]["verdict"] == "some push back: priced near the value"
    assert selectors.readiness_evidence(today)["a6"][0] == 4  # reviewed, and some (not all) pushed back


def test_nobody_pushing_back_reads_as_underpriced(client):
    services.decide(services.send(written(), by=None), accept=True, name="Pat")
    services.record_pricing_review(year=2026, held_on=timezone.localdate(), decision="Nothing changed")
    client.force_login(UserFactory(role=Role.OWNER))
    page = client.get("/proposals/").content.decode()
    assert "underpriced: nobody pushes back" in page and "0 of 1" in page


def test_the_funnel_shows_win_rate_pushback_and_each_proposals_days_to_a_decision(client):
    won, lost = written(title="Won deal"), written(title="Lost deal")
    services.decide(services.send(won, by=None), accept=True, name="Pat")
    services.decide(services.send(lost, by=None), accept=False, name="Sam")
    Proposal.objects.filter(pk=won.pk).update(decided_at=F("sent_at") + timedelta(days=3))
    Proposal.objects.filter(pk=lost.pk).update(decided_at=F("sent_at") + timedelta(days=5))
    client.force_login(UserFactory(role=Role.OWNER))
    page = client.get("/owner/funnel/").content.decode()
    assert "win rate 50.0%" in page and "pushback (declined or renegotiated) 50.0%" in page
    assert "4.0 days to a decision on average" in page
    row = page[page.index("Won deal"):]
    assert ">3.0</td>" in row[:row.index("</tr>")]


def test_a_lead_won_on_a_proposal_alone_counts_in_the_sales_cycle():
    from bspos.core.dates import month_start
    from bspos.money import reports
    from bspos.scorecard import services as scorecard

    lead = OpportunityFactory(name="Proposal Only LLP", awareness_on=timezone.localdate() - timedelta(days=60))
    services.decide(services.send(written(lead=lead), by=None), accept=True, name="Pat")
    lead.refresh_from_db()
    Opportunity.objects.filter(pk=lead.pk).update(conversion_on=lead.excitement_on - timedelta(days=14))
    months = [month_start(lead.excitement_on)]
    card = scorecard.scorecard(months, reports.margin_report(months), timezone.localdate())
    cycle = next(f for f in card["figures"] if f.key == "sales_cycle")
    assert cycle.value == Decimal("2.0") and "1 opportunities won" in cycle.note


def test_the_client_page_lists_the_clients_proposals_for_account_managers_only(client):
    from bspos.clients.tests.factories import ClientFactory

    customer = ClientFactory(name="Hale & Co")
    seller = UserFactory(role=Role.VCIO)
    proposal = services.create_proposal(by=seller, title="Second office", client=customer)
    services.update_proposal(proposal, by=seller, **PASTA)
    services.add_line(proposal=proposal, by=seller, description="Site", unit_price=Decimal("400"), quantity=Decimal(2))
    services.add_line(proposal=proposal, by=seller, description="Setup", unit_price=Decimal("999"), monthly=False)
    services.send(proposal, by=seller)
    second = services.revise(proposal, by=seller)
    services.create_proposal(by=seller, title="Someone else's", client=ClientFactory(name="Other"))
    client.force_login(seller)
    page = client.get(f"/clients/{customer.pk}/").content.decode()
    section = page[page.index('id="proposals"'):]
    assert f'href="/proposals/{second.pk}/"' in section and f'href="/proposals/{proposal.pk}/"' not in section
    assert "Draft" in section and ">2</td>" in section and "800.00" in section
    assert "Someone else" not in section
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    assert 'id="proposals"' not in client.get(f"/clients/{customer.pk}/").content.decode()
