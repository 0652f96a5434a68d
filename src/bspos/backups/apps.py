from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "bspos.backups"
    verbose_name = "Backups"
