from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "bspos.reviews"
    verbose_name = "Strategic Business Reviews"
