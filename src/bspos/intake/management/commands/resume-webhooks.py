"""`bspos resume-webhooks`: queue every pending webhook delivery again (run it before `bspos db_worker`)."""

from django.core.management.base import BaseCommand

from bspos.intake.webhooks import resume_pending


class Command(BaseCommand):
    help = ("Queue all pending webhook deliveries for the task worker again, each at its due time. Run it when "
            "(re)starting the worker: a delivery interrupted by a crash is sent again, with the same delivery id.")

    def handle(self, *args, **options) -> None:
        count = resume_pending()
        self.stdout.write(f"{count} pending deliver{'y' if count == 1 else 'ies'} queued.")
