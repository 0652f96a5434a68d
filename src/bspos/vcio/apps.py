from django.apps import AppConfig


class VcioConfig(AppConfig):
    name = "bspos.vcio"
    verbose_name = "vCIO: assessments, targets, roadmap"
