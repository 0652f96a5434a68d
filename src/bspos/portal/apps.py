from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "bspos.portal"
    verbose_name = "Client portal"
