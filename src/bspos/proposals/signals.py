"""What higher apps hear about proposals (the funnel in `scorecard` moves its leads), sent inside the service's
transaction so the lead moves with the proposal or not at all."""

from django.dispatch import Signal

proposal_sent = Signal()  # sender=Proposal, proposal=, by=
proposal_accepted = Signal()  # sender=Proposal, proposal=, client=, client_created=bool
proposal_declined = Signal()  # sender=Proposal, proposal=
