from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "bspos.knowledge"
    verbose_name = "Knowledge: articles, problems, checklists, search"
