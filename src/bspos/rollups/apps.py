from django.apps import AppConfig


class RollupsConfig(AppConfig):
    name = "bspos.rollups"
    verbose_name = "Monthly roll-ups of tickets, time and money"

    def ready(self) -> None:
        from bspos.money import reports
        from bspos.rollups import receivers, selectors  # noqa: F401 (receivers connect on import)

        reports.supply_month_figures(selectors.money_months)
