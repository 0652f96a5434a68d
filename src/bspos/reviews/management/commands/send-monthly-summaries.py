"""`bspos send-monthly-summaries`: last month's summary to every active client that opted in (the scheduler runs it
on the 2nd of each month); a client that already had it is skipped, so it is safe to run again."""

from django.core.management.base import BaseCommand

from bspos.reviews.summary import send_due_summaries


class Command(BaseCommand):
    help = "Email last month's summary to the primary contacts of every client that opted in (once a month)."

    def handle(self, *args, **options) -> None:
        count = send_due_summaries()
        self.stdout.write(f"{count} summar{'y' if count == 1 else 'ies'} sent.")
