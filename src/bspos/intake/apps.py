from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "bspos.intake"
    verbose_name = "Intake: monitoring alerts, email, webhooks, imports"
