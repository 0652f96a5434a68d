from django.apps import AppConfig


class RecurringConfig(AppConfig):
    name = "bspos.recurring"
    verbose_name = "Recurring tickets: templates with a schedule"
