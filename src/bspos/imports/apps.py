from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "bspos.imports"
    verbose_name = "CSV import and export"
