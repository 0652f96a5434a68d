from django.apps import AppConfig
from django.db.models.signals import post_delete


class DocumentationConfig(AppConfig):
    name = "bspos.documentation"
    verbose_name = "Documentation"

    def ready(self) -> None:
        from bspos.documentation.models import RELATABLE
        from bspos.documentation.services import forget_relations

        for model in RELATABLE.values():  # a deleted asset, contact or credential leaves no relation behind
            post_delete.connect(forget_relations, sender=model, dispatch_uid=f"documentation.forget.{model.__name__}")
