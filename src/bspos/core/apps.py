from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bspos.core"
    verbose_name = "Core"
