from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "bspos.audit"
    verbose_name = "Audit trail"
