from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "bspos.api"
    verbose_name = "REST API"
