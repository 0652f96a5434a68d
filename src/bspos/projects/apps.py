from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "bspos.projects"
    verbose_name = "Projects"
