from django.apps import AppConfig


class TimesheetsConfig(AppConfig):
    name = "bspos.timesheets"
    verbose_name = "Time sheets"
