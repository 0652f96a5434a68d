from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "bspos.notifications"
    verbose_name = "Notifications: in the app and by email"

    def ready(self) -> None:
        from bspos.notifications import services
        from bspos.servicedesk import signals

        for signal, receiver in [(signals.tickets_created, services.on_tickets_created),
                                 (signals.ticket_updated, services.on_ticket_updated),
                                 (signals.ticket_status_changed, services.on_ticket_status_changed),
                                 (signals.note_added, services.on_note_added),
                                 (signals.sla_at_risk, services.on_sla_at_risk),
                                 (signals.sla_breached, services.on_sla_breached),
                                 (signals.sla_escalated, services.on_sla_escalated)]:
            signal.connect(receiver, dispatch_uid=f"notifications.{receiver.__name__}")
