from django.apps import AppConfig


class FoundationConfig(AppConfig):
    name = "bspos.foundation"
    verbose_name = "Foundation"
