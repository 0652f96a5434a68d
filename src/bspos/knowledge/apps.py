from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _search_index(sender, using="default", **kwargs) -> None:
    """SQLite rebuilds a table when another app alters it, dropping the search triggers: put them back."""
    from django.db import connections

    from bspos.knowledge.search import ensure_sqlite_index

    ensure_sqlite_index(connections[using])


class KnowledgeConfig(AppConfig):
    name = "bspos.knowledge"
    verbose_name = "Knowledge: articles, problems, checklists, search"

    def ready(self) -> None:
        post_migrate.connect(_search_index, sender=self, dispatch_uid="knowledge-search-index")
