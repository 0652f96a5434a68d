from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "bspos.people"
    verbose_name = "People"

    def ready(self) -> None:
        from bspos.people import reauth  # noqa: F401  (stamps the session on every sign-in)
