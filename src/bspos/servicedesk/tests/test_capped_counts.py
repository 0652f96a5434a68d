"""The queue and the ticket list endpoint count rows only up to a cap, then say "more than": a page number must not
cost a count of a million tickets (issue 22)."""

import pytest
from django.urls import reverse

from bspos.api.services import create_token
from bspos.core import paging
from bspos.servicedesk.tests.factories import TicketFactory


@pytest.fixture
def five_tickets(company):
    return TicketFactory.create_batch(5, client=company)


def bearer(user) -> dict:
    _, secret = create_token(user=user, name="test", scope="read")
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize(("cap", "count", "capped"), [(3, 3, True), (5, 5, False), (50, 5, False)])
def test_the_ticket_list_counts_up_to_the_cap_and_says_when_there_are_more(
        client, tech, five_tickets, monkeypatch, cap, count, capped):
    monkeypatch.setattr(paging, "COUNT_CAP", cap)
    body = client.get("/api/v1/tickets?page_size=2", headers=bearer(tech)).json()
    assert (body["count"], body["count_capped"]) == (count, capped)
    assert [t["number"] for t in body["items"]] == sorted((t.number for t in five_tickets), reverse=True)[:2]


def test_a_page_past_the_first_still_returns_its_rows_when_the_count_is_capped(client, tech, five_tickets, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    body = client.get("/api/v1/tickets?page_size=2&page=3", headers=bearer(tech)).json()
    assert [t["number"] for t in body["items"]] == [min(t.number for t in five_tickets)]


def test_the_queue_says_more_than_the_cap(client, tech, five_tickets, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    client.force_login(tech)
    page = client.get(reverse("servicedesk:queue")).content.decode()
    assert "more than 3 tickets" in page


def test_the_queue_gives_the_exact_count_below_the_cap(client, tech, five_tickets):
    client.force_login(tech)
    page = client.get(reverse("servicedesk:queue")).content.decode()
    assert "Page 1 of 1 · 5 tickets" in page
