from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "bspos.schedule"
    verbose_name = "Schedule"
