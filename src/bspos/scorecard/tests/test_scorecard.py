from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from bspos.clients.models import Client, ClientStatus
from bspos.core.dates import months_ending
from bspos.demo.services import DemoSize, load_demo
from bspos.money import reports
from bspos.people.models import Role, User
from bspos.scorecard import services
from bspos.scorecard.models import Opportunity, ReadinessRun
from bspos.scorecard.questions import PHASES, QUESTIONS
from bspos.servicedesk import services as desk
from bspos.servicedesk.models import TimeEntry

TODAY = date(2026, 11, 20)


def test_place_puts_figures_in_the_msp_band_between_or_the_bsp_band():
    margin = services.BANDS["gross_margin"]
    assert [services.place(Decimal(v), margin) for v in (30, 45, 50, 55, 80)] == \
        ["msp", "msp", "between", "bsp", "bsp"]
    hours = services.BANDS["founder_hours"]  # fewer hours is better
    assert [services.place(Decimal(v), hours) for v in (70, 55, 45, 40, 20)] == \
        ["msp", "msp", "between", "bsp", "bsp"]
    assert services.place(None, hours) == "unknown"


def test_sellable_multiple_rule():
    assert services.sellable_multiple(["bsp"] * 4 + ["msp"])[0] == "6-10x EBITDA"
    assert services.sellable_multiple(["msp"] * 3 + ["bsp"] * 2)[0] == "3-5x EBITDA"
    assert services.sellable_multiple(["bsp"] * 3 + ["between", "msp"])[0].startswith("5-6x")


answers = st.dictionaries(st.sampled_from(sorted(QUESTIONS)), st.integers(0, 4))


@given(answers=answers)
def test_readiness_scores_are_0_to_100_per_phase_and_priorities_put_earlier_phases_first(answers):
    scores = services.score_answers(answers)
    assert set(scores) == {"S", "C", "A", "L", "E"} and all(0 <= v <= 100 for v in scores.values())
    assert all(v == 100 for v in services.score_answers(dict.fromkeys(QUESTIONS, 4)).values())
    order = [p["order"] for p in services.priorities(answers, limit=40)]
    assert order == sorted(order)
    assert all(answers.get(code, 0) >= 3 for code in QUESTIONS if QUESTIONS[code].text not in
               {p["text"] for p in services.priorities(answers, limit=40)})


def test_readiness_verdicts_follow_the_seed():
    assert services.verdict(dict.fromkeys("SCALE", 95)).startswith("Ready")
    weak = services.verdict({"S": 90, "C": 40, "A": 30, "L": 20, "E": 95})
    assert weak.startswith("A clear starting point") and "Construct the Factory" in weak
    assert services.verdict({"S": 60, "C": 40, "A": 80, "L": 20, "E": 95}).startswith("On the way")
    assert len(PHASES) == 5 and all(len(questions) >= 8 for _, _, questions in PHASES)


@pytest.mark.django_db
def test_founder_hours_tenure_and_sales_cycle_come_from_the_data():
    owner = User.objects.create(username="boss", role=Role.OWNER)
    client = Client.objects.create(name="Acme", status=ClientStatus.ACTIVE, client_since=TODAY - timedelta(days=730))
    ticket = desk.create_ticket(client=client, subject="x")
    october = months_ending(date(2026, 10, 1), 1)
    start = timezone.make_aware(datetime.combine(date(2026, 10, 1), time(9)))
    for day in range(31):  # 2 hours every day of October: 62 hours over 31/7 weeks = 14.0 a week
        TimeEntry.objects.create(technician=owner, ticket=ticket, started_at=start + timedelta(days=day),
                                 minutes=120, cost_rate=0, bill_rate=0)
    Opportunity.objects.create(name="Acme", awareness_on=date(2026, 7, 1), engagement_on=date(2026, 8, 1),
                               excitement_on=date(2026, 10, 10), client=client)  # 70 days: 10 weeks

    card = services.scorecard(october, reports.margin_report(october), TODAY)

    figures = {f.key: f for f in card["figures"]}
    assert figures["founder_hours"].value == Decimal("14.0") and figures["founder_hours"].place == "bsp"
    assert figures["tenure"].value == Decimal("2.0") and figures["tenure"].place == "msp"
    assert figures["sales_cycle"].value == Decimal("10.0") and figures["sales_cycle"].place == "bsp"


@pytest.fixture
def demo(db):
    return load_demo(DemoSize(clients=6, months=4, seed=5, today=TODAY))


def signed_in(client, username: str):
    client.force_login(User.objects.get(username=username))
    return client


def pages() -> list[str]:
    return [reverse("scorecard:owner"), reverse("scorecard:funnel"), reverse("scorecard:readiness")]


def test_only_the_owner_reaches_the_owners_view(client, demo):
    signed_in(client, "owner")
    for url in pages():
        assert client.get(url).status_code == 200, url
    for username in ("finance", "manager", "tech1", "vcio"):
        signed_in(client, username)
        assert all(client.get(url).status_code == 403 for url in pages()), username
    signed_in(client, User.objects.filter(role=Role.CLIENT_CONTACT).first().username)
    assert all(client.get(url).status_code == 404 for url in pages())


def test_owner_page_shows_the_bands_signals_maturity_and_trends(client, demo):
    signed_in(client, "owner")
    page = client.get(reverse("scorecard:owner") + "?months=3").content.decode()
    for text in ("Business scorecard", "4,500–7,500", "Sellable multiple", "Five diagnostic signals",
                 "Operational maturity: level", "Technician utilisation", "Resolution consistency",
                 "Trends, last 12 months", "<polyline"):
        assert text in page, text


def test_owner_page_query_count_does_not_grow_with_data(client, demo):
    signed_in(client, "owner")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("scorecard:owner")).status_code == 200
        return len(captured)

    before = count()
    company = Client.objects.filter(status="active").first()
    for n in range(20):
        desk.create_ticket(client=company, subject=f"More {n}")
    assert count() == before


def test_funnel_adds_leads_refuses_bad_input_and_a_win_becomes_a_client(client, demo):
    signed_in(client, "owner")
    before = Opportunity.objects.count()
    bad = client.post(reverse("scorecard:funnel"), {"name": "", "awareness_on": "2026-11-01"})
    assert bad.status_code == 200 and Opportunity.objects.count() == before
    client.post(reverse("scorecard:funnel"), {"name": "Brand New LLP", "awareness_on": "2026-11-01",
                                              "source": "referral"})
    lead = Opportunity.objects.get(name="Brand New LLP")
    for _ in range(5):
        client.post(reverse("scorecard:opportunity", args=[lead.pk, "advance"]))
    lead.refresh_from_db()
    assert lead.excitement_on and lead.ascension_on and lead.client.name == "Brand New LLP"
    assert lead.client.status == ClientStatus.ACTIVE
    refused = client.post(reverse("scorecard:opportunity", args=[lead.pk, "lose"]), follow=True)
    assert "cannot be lost" in refused.content.decode()
    funnel = client.get(reverse("scorecard:funnel")).content.decode()
    assert "Conversion from the step before" in funnel and "Ascension" in funnel


def test_readiness_prefills_from_data_refuses_gaps_and_scores_a_full_run(client, demo):
    signed_in(client, "owner")
    form = client.get(reverse("scorecard:readiness")).content.decode()
    assert "From your data" in form and form.count('type="radio"') == 5 * len(QUESTIONS)
    partial = client.post(reverse("scorecard:readiness"), {"s1": "4"}, follow=True)
    assert "Nothing was saved" in partial.content.decode() and not ReadinessRun.objects.exists()
    answers = {code: "4" if code[0] in "sc" else "1" for code in QUESTIONS}
    result = client.post(reverse("scorecard:readiness"), answers, follow=True).content.decode()
    run = ReadinessRun.objects.get()
    assert run.scores == {"S": 100, "C": 100, "A": 25, "L": 25, "E": 25}
    assert "A clear starting point" in result and "Accelerate Success" in result
    assert result.index("Accelerate Success:") < result.index("Lock in Systems:")  # earlier phase first
