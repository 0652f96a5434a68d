from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "bspos.assets"
    verbose_name = "Assets"
