from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "bspos.intake"
    verbose_name = "Intake: monitoring alerts, email, webhooks, imports"

    def ready(self) -> None:
        from bspos.intake import webhooks
        from bspos.money.signals import invoices_issued
        from bspos.servicedesk import signals

        signals.ticket_created.connect(webhooks.on_ticket_created, dispatch_uid="intake-ticket-created")
        signals.ticket_updated.connect(webhooks.on_ticket_updated, dispatch_uid="intake-ticket-updated")
        signals.ticket_status_changed.connect(webhooks.on_status_changed, dispatch_uid="intake-ticket-status")
        invoices_issued.connect(webhooks.on_invoices_issued, dispatch_uid="intake-invoices-issued")
