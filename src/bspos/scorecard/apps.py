from django.apps import AppConfig


class ScorecardConfig(AppConfig):
    name = "bspos.scorecard"
    verbose_name = "Owner's view: scorecard, health, funnel, readiness"
