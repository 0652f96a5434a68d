from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "bspos.agreements"
    verbose_name = "Agreements"
