"""What other apps can listen to when a client changes, without the clients app knowing them.

Sent inside the service's transaction, after the row is saved (reviews plans the first review of a client that
becomes active).
"""

from django.dispatch import Signal

client_status_changed = Signal()  # sender=Client, client=, previous= (status before), status=
