from django.apps import AppConfig


class LeadershipConfig(AppConfig):
    name = "bspos.leadership"
    verbose_name = "Leadership"
