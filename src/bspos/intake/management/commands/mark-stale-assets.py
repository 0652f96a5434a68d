"""`bspos mark-stale-assets`: flag RMM assets not seen for BSPOS_ASSET_STALE_DAYS days (default 30)."""

from django.core.management.base import BaseCommand

from bspos.intake.services import mark_stale, stale_after


class Command(BaseCommand):
    help = "Mark assets synced from the RMM as stale when the RMM has not seen them for N days (a setting)."

    def handle(self, *args, **options) -> None:
        count = mark_stale()
        self.stdout.write(f"{count} asset{'' if count == 1 else 's'} not seen for {stale_after().days} days "
                          f"marked stale.")
