from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "bspos.mail"
    verbose_name = "Email: mailbox to tickets, replies out"
