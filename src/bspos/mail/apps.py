from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "bspos.mail"
    verbose_name = "Email: mailbox to tickets, replies out"

    def ready(self) -> None:
        from bspos.mail.services import on_note_added
        from bspos.servicedesk import signals

        signals.note_added.connect(on_note_added, dispatch_uid="mail.reply_by_email")
