from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "bspos.intake"
    verbose_name = "Intake: monitoring alerts, email, webhooks, imports"

    def ready(self) -> None:
        from bspos.intake import webhooks
        from bspos.money.signals import invoices_issued
        from bspos.servicedesk import signals

        signals.tickets_created.connect(webhooks.on_tickets_created, dispatch_uid="intake-tickets-created")
        signals.ticket_updated.connect(webhooks.on_ticket_updated, dispatch_uid="intake-ticket-updated")
        signals.ticket_status_changed.connect(webhooks.on_status_changed, dispatch_uid="intake-ticket-status")
        invoices_issued.connect(webhooks.on_invoices_issued, dispatch_uid="intake-invoices-issued")
