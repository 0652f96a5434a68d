from django.apps import AppConfig


class ServicedeskConfig(AppConfig):
    name = "bspos.servicedesk"
    verbose_name = "Service desk"

    def ready(self) -> None:
        from bspos.servicedesk import attachments  # noqa: F401 (connects the receiver that removes deleted files)
