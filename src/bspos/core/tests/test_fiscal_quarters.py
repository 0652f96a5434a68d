"""A client's fiscal quarters (core.dates): every day in exactly one quarter, four quarters a year, 12 months."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bspos.core import dates

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
months = st.integers(min_value=1, max_value=12)


@given(days, months)
def test_every_day_falls_in_exactly_one_fiscal_quarter_of_its_client(day, start_month):
    quarter = dates.fiscal_quarter(day, start_month)
    assert quarter.first <= day <= quarter.last
    year = dates.fiscal_quarters(quarter.year, start_month)
    containing = [q for q in year + dates.fiscal_quarters(quarter.year - 1, start_month)
                  + dates.fiscal_quarters(quarter.year + 1, start_month) if q.first <= day <= q.last]
    assert containing == [quarter]
    assert dates.fiscal_year_start(quarter.year, start_month) <= day <= dates.fiscal_year_end(quarter.year,
                                                                                             start_month)


@given(st.integers(min_value=2001, max_value=2098), months)
def test_a_fiscal_year_has_four_quarters_covering_twelve_months_without_gaps(year, start_month):
    quarters = dates.fiscal_quarters(year, start_month)
    assert [q.number for q in quarters] == [1, 2, 3, 4] and {q.year for q in quarters} == {year}
    assert quarters[0].first == dates.fiscal_year_start(year, start_month)
    assert quarters[-1].last == dates.fiscal_year_end(year, start_month)
    assert dates.add_months(quarters[0].first, 12) == quarters[-1].last + timedelta(days=1)
    for earlier, later in zip(quarters, quarters[1:], strict=False):
        assert earlier.last + timedelta(days=1) == later.first
        assert earlier.next() == later
    assert quarters[0].first.month == start_month and quarters[0].first.day == 1


def test_a_year_is_named_for_the_calendar_year_it_ends_in():
    july = dates.fiscal_quarter(date(2026, 7, 1), 7)
    assert (july.label, july.span) == ("FY2027 Q1", "1 Jul – 30 Sep 2026")
    assert dates.fiscal_quarter(date(2026, 6, 30), 7).label == "FY2026 Q4"
    assert dates.fiscal_quarter(date(2027, 1, 15), 11).span == "1 Nov 2026 – 31 Jan 2027"
    january = dates.fiscal_quarter(date(2026, 11, 30))
    assert (january.label, january.first) == ("FY2026 Q4", dates.quarter_start(date(2026, 11, 30)))
    with pytest.raises(ValueError, match="1 to 12"):
        dates.fiscal_quarter(date(2026, 1, 1), 13)
