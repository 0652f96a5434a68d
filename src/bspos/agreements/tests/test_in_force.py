"""Which agreements are in force on a day, and which one a ticket belongs to when several are."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from bspos.agreements.models import Agreement, AgreementKind
from bspos.agreements.tests.factories import AgreementFactory
from bspos.clients.tests.factories import ClientFactory
from bspos.servicedesk.tests.factories import TicketFactory


class InForceProperty(TestCase):
    @given(start=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
           length=st.one_of(st.none(), st.integers(0, 800)),
           day=st.dates(min_value=date(2023, 6, 1), max_value=date(2029, 12, 31)))
    def test_in_force_means_started_and_not_ended(self, start, length, day):
        end = None if length is None else start + timedelta(days=length)
        agreement = AgreementFactory(start_date=start, end_date=end, sla_plan=None)
        expected = start <= day and (end is None or day <= end)
        assert Agreement.objects.in_force(day).filter(pk=agreement.pk).exists() == expected
        agreement.delete()


@pytest.mark.django_db
def test_support_agreement_governs_a_ticket_over_a_newer_time_and_materials_one():
    client = ClientFactory()
    managed = AgreementFactory(client=client, start_date=date(2024, 1, 1))
    AgreementFactory(client=client, name="Project work", kind=AgreementKind.TIME_AND_MATERIALS,
                     start_date=date(2026, 10, 1))
    AgreementFactory(client=client, name="Old", start_date=date(2020, 1, 1), end_date=date(2023, 12, 31))
    assert Agreement.objects.governing(client, date(2026, 11, 2)) == managed
    ticket = TicketFactory(client=client)
    assert ticket.sla_plan == managed.sla_plan


@pytest.mark.django_db
def test_no_agreement_in_force_governs_nothing():
    client = ClientFactory()
    AgreementFactory(client=client, start_date=date(2027, 1, 1))
    assert Agreement.objects.governing(client, date(2026, 11, 2)) is None
