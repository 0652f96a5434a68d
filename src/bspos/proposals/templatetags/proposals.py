"""`{% load proposals %}{% client_proposals client %}`: a client's proposals, for the client page (clients sits
below proposals, so the section comes from here). Only account managers and the owner see it."""

from django import template

from bspos.core.permissions import Can
from bspos.proposals import selectors
from bspos.proposals.models import Proposal, Status

register = template.Library()
SHOWN = 20


@register.inclusion_tag("proposals/_client.html", takes_context=True)
def client_proposals(context, client) -> dict:
    caps = context.get("caps", frozenset())
    if Can.VCIO.value not in caps:
        return {"shown": False}
    latest = Proposal.objects.filter(client=client).exclude(status=Status.REVISED)  # the latest version of each
    return {"shown": True, "client": client, "currency": context.get("currency"),
            "proposals": selectors.with_monthly_total(latest).order_by("-created_at", "-pk")[:SHOWN]}
