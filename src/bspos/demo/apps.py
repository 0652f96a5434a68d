from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "bspos.demo"
    verbose_name = "Demo MSP"
