"""bspos rollups rebuild [--month 2026-10 ...] [--stale] | bspos rollups status: the monthly roll-ups."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bspos.core.dates import parse_month
from bspos.rollups import services
from bspos.rollups.models import RollupMonth


class Command(BaseCommand):
    help = "Rebuild the monthly roll-ups the owner's figures read (every closed month unless told which)."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        rebuild = commands.add_parser("rebuild", help="Store the facts of closed months again from the raw rows.")
        rebuild.add_argument("--month", action="append", default=[], help="A month, YYYY-MM (repeat for more).")
        rebuild.add_argument("--stale", action="store_true",
                             help="Only months never stored or changed since (what the scheduler runs).")
        commands.add_parser("status", help="Which months are stored and which are read live.")

    def handle(self, *args, action: str, month=(), stale: bool = False, **options):
        if action == "status":
            stale_months = services.stale_months()
            stored = RollupMonth.objects.filter(built_changes__isnull=False).count()
            self.stdout.write(f"{stored} month(s) stored; read live until rebuilt: "
                              f"{', '.join(f'{m:%Y-%m}' for m in stale_months) or 'none'}.")
            return
        try:
            months = [parse_month(text) for text in month]
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if months and stale:
            raise CommandError("Give --month or --stale, not both.")
        result = services.rebuild_stale() if stale else services.rebuild(months or None)
        self.stdout.write(result.summary())
