from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "bspos.clients"
    verbose_name = "Clients"
