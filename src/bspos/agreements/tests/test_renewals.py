"""What happened when agreements came up for renewal: renewed as they stood, renegotiated cheaper, not renewed
(the pricing review's pushback reads it)."""

from datetime import date
from decimal import Decimal

import pytest

from bspos.agreements.selectors import renewals
from bspos.agreements.tests.factories import AgreementFactory
from bspos.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def test_a_term_that_ends_in_the_year_while_the_agreement_goes_on_is_renewed_as_it_stood():
    AgreementFactory(start_date=date(2024, 3, 15), term_months=12)  # terms end 15 Mar each year
    AgreementFactory(start_date=date(2025, 9, 1), term_months=24)  # its term ends in 2027
    AgreementFactory(start_date=date(2026, 2, 1), term_months=12)  # started this year: not due yet
    assert renewals(*YEAR) == {"due": 1, "renewed": 1, "renegotiated": 0, "not_renewed": 0, "pushback": 0}


def test_a_cheaper_successor_is_renegotiated_an_equal_one_renewed_and_none_not_renewed():
    cheaper, same, gone = ClientFactory(), ClientFactory(), ClientFactory()
    for client in (cheaper, same, gone):
        AgreementFactory(client=client, start_date=date(2025, 4, 1), end_date=date(2026, 3, 31),
                         unit_price=Decimal("100"), quantity=Decimal("10"))
    AgreementFactory(client=cheaper, start_date=date(2026, 4, 1), unit_price=Decimal("90"), quantity=Decimal("10"))
    AgreementFactory(client=same, start_date=date(2026, 4, 20), kind="flat", unit_price=Decimal("1000"))
    found = renewals(*YEAR)
    assert found == {"due": 3, "renewed": 1, "renegotiated": 1, "not_renewed": 1, "pushback": 2}


def test_a_new_agreement_long_after_the_end_is_no_renewal():
    client = ClientFactory()
    AgreementFactory(client=client, start_date=date(2025, 1, 1), end_date=date(2026, 1, 31))
    AgreementFactory(client=client, start_date=date(2026, 3, 5), term_months=12)  # 33 days later
    assert renewals(*YEAR)["not_renewed"] == 1
