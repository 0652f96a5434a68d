from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "bspos.sla"
    verbose_name = "SLA"
