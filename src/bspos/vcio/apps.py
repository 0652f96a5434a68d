from django.apps import AppConfig


class VcioConfig(AppConfig):
    name = "bspos.vcio"
    verbose_name = "vCIO: assessments, targets, roadmap"

    def ready(self) -> None:
        from bspos.clients.models import Client
        from bspos.clients.signals import client_status_changed
        from bspos.vcio import evidence  # noqa: F401 (connects the receiver that removes deleted files' bytes)
        from bspos.vcio.matrix import set_up_for_activated_client

        client_status_changed.connect(set_up_for_activated_client, sender=Client,
                                      dispatch_uid="vcio-parties-for-activated-client")
