from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "bspos.catalogue"
    verbose_name = "Catalogue"
