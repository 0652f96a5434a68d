"""What other apps can listen to (webhooks out, email out, notifications) without the desk knowing them.

Sent inside the service's transaction, after the row is saved; a receiver that talks to the outside world should
defer that work with ``transaction.on_commit`` so a rolled-back change never leaves the building. ``by`` is the
person who caused the event (None for the system: an alert, an email, a scheduled job), so receivers can leave
them out of their own notifications.
"""

from django.dispatch import Signal

# Sent once for the tickets one create_tickets call opened (create_ticket is that call for one ticket), so a
# receiver can write its rows for all of them in bulk.
tickets_created = Signal()  # sender=Ticket, tickets=list of Ticket, by=
ticket_updated = Signal()  # sender=Ticket, ticket=, changed=set of field names, by=
ticket_status_changed = Signal()  # sender=Ticket, ticket=, previous=, status=, by=
note_added = Signal()  # sender=Note, note=, by= (the note's author)

# Sent by the SLA escalation job, once per ticket and threshold (target is "first_response" or "resolution").
sla_at_risk = Signal()  # sender=Ticket, ticket=, target=
sla_breached = Signal()  # sender=Ticket, ticket=, target=
sla_escalated = Signal()  # sender=Ticket, ticket=, target=, percent=, users=list of User to tell, text=
