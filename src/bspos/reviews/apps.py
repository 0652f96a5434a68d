from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "bspos.reviews"
    verbose_name = "Strategic Business Reviews"

    def ready(self) -> None:
        from bspos.clients.models import Client
        from bspos.clients.signals import client_status_changed
        from bspos.reviews.services import plan_for_activated_client

        client_status_changed.connect(plan_for_activated_client, sender=Client,
                                      dispatch_uid="reviews-plan-for-activated-client")
