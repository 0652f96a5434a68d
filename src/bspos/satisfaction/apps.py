from django.apps import AppConfig


class SatisfactionConfig(AppConfig):
    name = "bspos.satisfaction"
    verbose_name = "Client satisfaction: one-click ratings of resolved tickets"

    def ready(self) -> None:
        from bspos.satisfaction.services import on_ticket_status_changed
        from bspos.servicedesk import signals

        signals.ticket_status_changed.connect(on_ticket_status_changed, dispatch_uid="satisfaction.survey_on_resolve")
