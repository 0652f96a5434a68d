"""What other apps can listen to (webhooks out) without money knowing them; sent inside the transaction."""

from django.dispatch import Signal

invoices_issued = Signal()  # sender=Invoice, invoices=list of the invoices just issued (numbered, frozen)
