"""What other apps can listen to (webhooks out, email out) without the desk knowing them.

Sent inside the service's transaction, after the row is saved; a receiver that talks to the outside world should
defer that work with ``transaction.on_commit`` so a rolled-back change never leaves the building.
"""

from django.dispatch import Signal

ticket_created = Signal()  # sender=Ticket, ticket=
ticket_updated = Signal()  # sender=Ticket, ticket=, changed=set of field names
ticket_status_changed = Signal()  # sender=Ticket, ticket=, previous=, status=
note_added = Signal()  # sender=Note, note=
