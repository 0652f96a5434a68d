from django.apps import AppConfig


class ServicedeskConfig(AppConfig):
    name = "bspos.servicedesk"
    verbose_name = "Service desk"
