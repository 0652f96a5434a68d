from django.apps import AppConfig


class DocumentationConfig(AppConfig):
    name = "bspos.documentation"
    verbose_name = "Documentation"
