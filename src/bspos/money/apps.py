from django.apps import AppConfig


class MoneyConfig(AppConfig):
    name = "bspos.money"
    verbose_name = "Money: billing, invoices, margins"
