"""Ratings show on the ticket, per technician and per client (period filter, counts and % good), in the SBR data
pack (this period against the one before) and on the owner's health page; a client contact sees none of it."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse

from bspos.api.services import create_token
from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.reviews.selectors import data_pack
from bspos.reviews.tests.factories import ReviewFactory
from bspos.satisfaction.models import Score
from bspos.satisfaction.tests.factories import SurveyFactory
from bspos.scorecard.services import client_satisfaction


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def rated(client, score, day, technician=None):
    return SurveyFactory(ticket__client=client, ticket__assignee=technician, score=score, sent_at=at(day))


@pytest.fixture
def owner(db):
    return UserFactory(username="olive", role=Role.OWNER)


def test_the_results_page_counts_by_technician_and_client_within_the_period(client, owner, company, tech):
    other = ClientFactory(name="Bayside Law")
    for score in (Score.GOOD, Score.GOOD, Score.BAD):
        rated(company, score, date(2026, 11, 10), tech)
    rated(other, Score.OKAY, date(2026, 11, 12))
    rated(company, Score.BAD, date(2026, 9, 1), tech)  # outside the period
    SurveyFactory(ticket__client=other, sent_at=at(date(2026, 11, 20)))  # not answered yet

    client.force_login(owner)
    page = client.get(reverse("satisfaction:results"), {"since": "2026-11-01", "until": "2026-11-30"})
    assert page.status_code == 200
    totals = page.context["totals"]
    assert [totals[k] for k in ("sent", "answered", "good", "okay", "bad", "good_pct")] == [5, 4, 2, 1, 1, 50]
    by_tech = {row["name"]: (row["answered"], row["good_pct"]) for row in page.context["technicians"]}
    assert by_tech == {"Tess Tech": (3, Decimal("66.7")), "Unassigned": (1, 0)}
    by_client = {row["name"]: (row["sent"], row["good_pct"]) for row in page.context["clients"]}
    assert by_client == {"Acme Dental": (3, Decimal("66.7")), "Bayside Law": (2, 0)}

    one_tech = client.get(reverse("satisfaction:results"), {"technician": tech.pk})
    assert one_tech.context["totals"]["answered"] == 4 and one_tech.context["totals"]["bad"] == 2


def test_a_client_contact_sees_no_results_on_the_page_or_in_the_api(client, contact):
    rated(contact.client, Score.GOOD, date(2026, 11, 10))
    other_company = ContactFactory(client=ClientFactory(name="Bayside Law"),
                                   user=UserFactory(username="bob", role=Role.CLIENT_CONTACT))
    for person in (contact.user, other_company.user):
        client.force_login(person)
        assert client.get(reverse("satisfaction:results")).status_code == 404
        assert client.get("/api/v1/ratings").status_code == 404


def test_staff_list_ratings_in_the_api_with_filters_and_bad_filters_are_refused(client, owner, company, tech):
    good = rated(company, Score.GOOD, date(2026, 11, 10), tech)
    rated(company, Score.BAD, date(2026, 11, 11))
    _token, secret = create_token(user=owner, name="reports", scope="read")
    headers = {"Authorization": f"Bearer {secret}"}
    answer = client.get("/api/v1/ratings", {"score": "good"}, headers=headers)
    assert answer.status_code == 200
    assert [(r["id"], r["score"], r["ticket_number"]) for r in answer.json()["items"]] == [
        (good.pk, "good", good.ticket.number)]
    assert client.get("/api/v1/ratings", {"score": "great"}, headers=headers).status_code == 422


def test_the_ticket_shows_its_rating_and_comment(company, tech):
    survey = SurveyFactory(ticket__client=company, score=Score.BAD, comment="Took three days.")
    html = Template("{% load satisfaction %}{% ticket_rating ticket %}").render(Context({"ticket": survey.ticket}))
    assert "Bad" in html and "Took three days." in html
    unanswered = SurveyFactory(ticket__client=company)
    html = Template("{% load satisfaction %}{% ticket_rating ticket %}").render(Context({"ticket": unanswered.ticket}))
    assert "no answer yet" in html


def test_the_sbr_pack_compares_satisfaction_with_the_period_before(company):
    review = ReviewFactory(client=company, period_start=date(2026, 7, 1), period_end=date(2026, 9, 28))  # 90 days
    for score in (Score.GOOD, Score.GOOD, Score.GOOD, Score.BAD):
        rated(company, score, date(2026, 8, 15))
    rated(company, Score.GOOD, date(2026, 5, 1))  # the 90 days before: 2 Apr - 30 Jun
    rated(company, Score.BAD, date(2026, 6, 30))
    rated(ClientFactory(), Score.BAD, date(2026, 8, 15))  # another client's
    pack = data_pack(review)["satisfaction"]
    assert (pack["answered"], pack["good"], pack["bad"], pack["good_pct"]) == (4, 3, 1, 75)
    assert (pack["previous_answered"], pack["previous_good_pct"], pack["change_points"]) == (2, 50, 25)


def test_the_owner_health_page_shows_satisfaction_of_the_window_against_the_one_before(client, owner, company):
    rated(company, Score.GOOD, date(2026, 10, 5))
    rated(company, Score.OKAY, date(2026, 9, 5))
    rated(company, Score.BAD, date(2026, 7, 5))
    figures = client_satisfaction([date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)])
    assert (figures["answered"], figures["good_pct"]) == (2, 50)
    assert (figures["previous"]["answered"], figures["previous"]["good_pct"], figures["change_points"]) == (1, 0, 50)
    client.force_login(owner)
    assert "Client satisfaction" in client.get(reverse("scorecard:owner")).content.decode()
