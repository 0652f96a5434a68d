from django.apps import AppConfig


class LeadershipConfig(AppConfig):
    name = "bspos.leadership"
    verbose_name = "Leadership"

    def ready(self) -> None:
        # The readiness assessment (scorecard, a lower app) hears e1-e4 from here, without importing leadership.
        from bspos.leadership.selectors import readiness_evidence
        from bspos.scorecard.services import add_readiness_evidence

        add_readiness_evidence(readiness_evidence)
