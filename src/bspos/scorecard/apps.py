from django.apps import AppConfig


class ScorecardConfig(AppConfig):
    name = "bspos.scorecard"
    verbose_name = "Owner's view: scorecard, health, funnel, readiness"

    def ready(self) -> None:
        from bspos.scorecard import foundation_figures, receivers  # noqa: F401 (receivers connect on import)

        foundation_figures.supply_all()
