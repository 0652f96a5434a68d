"""The mail lists' filters: inbound mail (triage and quarantine are its outcomes) and the outbox."""

import django_filters
from django import forms

from bspos.core.filters import FilterSet, IdFilter, SearchFilter
from bspos.mail.models import InboundMessage, OutboundMessage, Outcome


class InboundFilter(FilterSet):
    q = SearchFilter("sender", "subject", "message_id", placeholder="Sender, subject or Message-ID")
    ticket = IdFilter(field_name="ticket__number", label="Ticket #",
                      widget=forms.NumberInput(attrs={"placeholder": "Ticket #", "size": 8}))
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, empty_label="Any outcome")

    class Meta:
        model = InboundMessage
        fields: list[str] = []


class OutboundFilter(FilterSet):
    q = SearchFilter("to", "cc", "subject", "message_id", placeholder="Recipient, subject or Message-ID")
    state = django_filters.ChoiceFilter(choices=OutboundMessage.State.choices, empty_label="Any state")
    ticket = IdFilter(field_name="ticket__number", label="Ticket #",
                      widget=forms.NumberInput(attrs={"placeholder": "Ticket #", "size": 8}))

    class Meta:
        model = OutboundMessage
        fields: list[str] = []
