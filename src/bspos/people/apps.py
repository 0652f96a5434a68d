from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "bspos.people"
    verbose_name = "People"
