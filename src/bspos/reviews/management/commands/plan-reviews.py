"""`bspos plan-reviews`: the daily run that gives every active client its next Strategic Business Review.

Holding or missing a review and a client becoming active plan the next one as they happen; this catches clients
made active some other way (an import, the back office) and is safe to run any number of times."""

from django.core.management.base import BaseCommand

from bspos.reviews.services import plan_reviews


class Command(BaseCommand):
    help = "Plan the next SBR for every active client that has none planned (idempotent; run daily)."

    def handle(self, *args, **options) -> None:
        count = plan_reviews()
        self.stdout.write(f"{count} review{'' if count == 1 else 's'} planned.")
