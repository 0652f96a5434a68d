"""The shared toolkits: one rounding mode, calendar arithmetic, the CSV writer and the FilterSet base."""

from datetime import date
from decimal import Decimal

import django_filters
import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from bspos.clients.models import Client, ClientStatus
from bspos.core import dates
from bspos.core.csvwriter import cell, lines
from bspos.core.filters import FilterSet, RowFilter, SearchFilter, api_filter
from bspos.core.money import cents, percent
from bspos.people.models import User


def test_half_a_cent_goes_up_everywhere():
    assert cents(Decimal("0.005")) == Decimal("0.01")
    assert cents(Decimal("0.015")) == Decimal("0.02")  # not banker's rounding (which would give 0.02 / 0.02 … 0.01)
    assert cents(Decimal("2.345")) == Decimal("2.35")
    assert percent(1, 3) == Decimal("33.3") and percent(1, 0) is None


@given(st.decimals(min_value=-10**9, max_value=10**9, places=4))
def test_cents_is_never_more_than_half_a_cent_away(value):
    assert abs(cents(value) - value) <= Decimal("0.005")


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 1)), st.integers(1, 24))
def test_months_ending_are_consecutive_first_days(last, count):
    months = dates.months_ending(last, count)
    assert len(months) == count and months[-1] == last.replace(day=1)
    assert all(m.day == 1 for m in months)
    assert all(dates.next_month(a) == b for a, b in zip(months, months[1:], strict=False))


def test_quarters_and_month_ends():
    assert dates.quarter_start(date(2026, 11, 30)) == date(2026, 10, 1)
    assert dates.next_quarter(date(2026, 11, 30)) == date(2027, 1, 1)
    assert dates.month_end(date(2028, 2, 3)) == date(2028, 2, 29)
    with pytest.raises(ValidationError, match="YYYY-MM"):
        dates.parse_month("Oct 2026")


def test_csv_cells_that_a_spreadsheet_would_run_are_written_as_text():
    text = "".join(lines(["name"], [["=HYPERLINK(\"http://x\")"], ["+1+1"], ["-12.5"], ["@SUM(A1)"], ["plain"]]))
    assert text.splitlines() == ["name", "\"'=HYPERLINK(\"\"http://x\"\")\"", "'+1+1", "-12.5", "'@SUM(A1)", "plain"]
    assert cell(None) == "" and cell(True) == "yes"


class ClientFilter(FilterSet):
    q = SearchFilter("name")
    status = django_filters.ChoiceFilter(choices=ClientStatus.choices, initial=ClientStatus.ACTIVE)
    account_manager = RowFilter(queryset=User.objects.all())


@pytest.mark.django_db
def test_bad_filter_values_are_ignored_on_pages_and_refused_by_the_api():
    Client.objects.create(name="Acme", status=ClientStatus.ACTIVE, client_since=date(2026, 1, 1))
    Client.objects.create(name="Beta", status=ClientStatus.PROSPECT)
    page = ClientFilter(QueryDict("q=a%00b&account_manager=99999999999999999999999"), Client.objects.all())
    assert [c.name for c in page.qs] == ["Acme"]  # both bad filters ignored; the initial status applies
    assert {"q", "account_manager"} == set(page.errors)
    assert page.problems and all(":" in problem for problem in page.problems)

    class Request:
        GET = QueryDict("account_manager=abc")

    with pytest.raises(ValidationError) as refused:
        api_filter(ClientFilter, Request(), Client.objects.all())
    assert "account_manager" in refused.value.message_dict
    assert [c.name for c in ClientFilter(QueryDict("status="), Client.objects.all()).qs.order_by("name")] == \
        ["Acme", "Beta"]  # an explicit blank means "any"


@pytest.mark.django_db
def test_an_over_long_id_in_a_page_address_is_not_found(client):
    from bspos.people.tests.factories import UserFactory

    client.force_login(UserFactory(role="owner"))
    for path in ("/reviews/99999999999999999999/", "/clients/99999999999999999999/",
                 "/desk/tickets/99999999999999999999/", "/money/invoices/99999999999999999999/"):
        assert client.get(path).status_code == 404, path
    assert client.get("/clients/999999/").status_code == 404  # an id in range is looked up as before


def test_csv_header_cells_are_neutralised_too():
    assert next(lines(["=cmd()", "name"], [])) == "'=cmd(),name\r\n"
