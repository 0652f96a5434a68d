"""The funnel hears about proposals (a lower app) and moves its leads: a proposal sent brings its lead to
Conversion ("here's what it's like"); an accepted one to Excitement (signed, with the client), or to Ascension
when the lead had signed already (it bought more). In the proposal's transaction."""

from django.dispatch import receiver
from django.utils import timezone

from bspos.audit.services import record, snapshot
from bspos.proposals.models import Proposal
from bspos.proposals.signals import proposal_accepted, proposal_sent
from bspos.scorecard.models import Opportunity


@receiver(proposal_sent, sender=Proposal)
def lead_at_conversion(sender, proposal: Proposal, by=None, **kwargs) -> None:
    if not proposal.lead_id:
        return
    lead = Opportunity.objects.select_for_update().get(pk=proposal.lead_id)
    if lead.conversion_on or lead.lost_on or lead.excitement_on:
        return
    before = snapshot(lead)
    lead.conversion_on = max(timezone.localdate(), lead.awareness_on)
    lead.save(update_fields=["conversion_on"])
    record(by, lead, before)


@receiver(proposal_accepted, sender=Proposal)
def lead_signed(sender, proposal: Proposal, client, **kwargs) -> None:
    if not proposal.lead_id:
        return
    lead = Opportunity.objects.select_for_update().get(pk=proposal.lead_id)
    today = max(timezone.localdate(), lead.awareness_on)
    before = snapshot(lead)
    if lead.excitement_on is None:
        lead.excitement_on, lead.lost_on = today, None
        lead.conversion_on = lead.conversion_on or today
        lead.client = client
    elif lead.ascension_on is None:
        lead.ascension_on = today
    else:
        return
    lead.save()
    record(None, lead, before)
