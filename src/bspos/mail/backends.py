"""The one email backend of bspos (settings.EMAIL_BACKEND): every outgoing email goes into the outbox.

`EmailMessage(...).send()` anywhere in bspos stores the message as an `OutboundMessage` row in the caller's
transaction (a rolled-back change sends nothing); the mail job delivers it over SMTP when BSPOS_SMTP_HOST is set,
with retries (`mail.services.deliver_outbound`). Without a mail server the message is kept, shown at /mail/sent/."""

from django.core.mail.backends.base import BaseEmailBackend

from bspos.mail.services import put_in_outbox


class OutboxBackend(BaseEmailBackend):
    """`get_connection(ticket=…, note=…)` links the stored messages to the ticket and note they answer."""

    def __init__(self, fail_silently: bool = False, *, ticket=None, note=None, **kwargs) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.ticket, self.note = ticket, note

    def send_messages(self, email_messages) -> int:
        return len([put_in_outbox(message, ticket=self.ticket, note=self.note) for message in email_messages])
