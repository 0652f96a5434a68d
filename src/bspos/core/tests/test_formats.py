"""One date format and one money format: the filters every template uses (|when, |day, |month, |quarter, |money)."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from bspos.core.templatetags.formats import day, money, month, quarter, when


def test_a_moment_is_shown_in_the_active_zone_in_one_format():
    moment = datetime(2026, 12, 2, 13, 5, tzinfo=UTC)
    with timezone.override(ZoneInfo("Europe/Berlin")):
        assert when(moment) == "2 Dec 2026, 14:05"
    with timezone.override(ZoneInfo("America/New_York")):
        assert when(moment) == "2 Dec 2026, 08:05"
        assert day(datetime(2026, 12, 2, 3, 0, tzinfo=UTC)) == "1 Dec 2026"  # still yesterday there


def test_days_months_and_quarters_read_the_same_everywhere():
    assert day(date(2026, 3, 7)) == "7 Mar 2026"
    assert month(date(2026, 3, 1)) == "March 2026"
    assert quarter(date(2026, 8, 1)) == "2026 Q3"
    assert day("2026-03-07") == "7 Mar 2026"  # a frozen data pack keeps ISO text
    assert when(None) == day(None) == month("") == quarter(None) == "—"


def test_money_has_the_code_first_two_places_and_thousands():
    assert money(Decimal("4093"), "USD") == "USD 4,093.00"
    assert money(Decimal("-1234567.005"), "EUR") == "EUR -1,234,567.01"  # half a cent up, as core.money rounds
    assert money(0) == "0.00"
    assert money(None, "USD") == money("not a number", "USD") == money(Decimal("NaN")) == "—"


def test_money_follows_the_locale_separators():
    with translation.override("de"):
        assert money(Decimal("4093.5"), "EUR") == "EUR 4.093,50"


def test_a_template_never_shows_the_code_after_the_amount():
    shown = Template("{% load formats %}{{ amount|money:currency }}").render(
        Context({"amount": Decimal("4093"), "currency": "USD"}))
    assert shown == "USD 4,093.00" and "4,093 $" not in shown


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, allow_infinity=False))
def test_any_amount_renders_with_two_places_and_reads_back_as_the_rounded_amount(amount):
    shown = money(amount, "USD")
    code, number = shown.split(" ")
    assert code == "USD"
    assert len(number.rsplit(".", 1)[1]) == 2
    from bspos.core.money import cents

    assert Decimal(number.replace(",", "")) == cents(amount)
