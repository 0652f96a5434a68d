from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "bspos.proposals"
    verbose_name = "Proposals"
