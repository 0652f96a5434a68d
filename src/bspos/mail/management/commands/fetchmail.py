"""bspos fetchmail: ingest the IMAP mailbox's unseen messages (settings from BSPOS_IMAP_* in the environment)."""

import time

from django.core.management.base import BaseCommand, CommandError

from bspos.mail.services import fetchmail


class Command(BaseCommand):
    help = "Fetch unseen mail from the IMAP mailbox in BSPOS_IMAP_* and turn it into tickets and replies."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="every message, not only unseen ones "
                                                                "(already ingested ones are skipped)")
        parser.add_argument("--every", type=int, default=0, metavar="SECONDS",
                            help="keep polling at this interval instead of fetching once")

    def handle(self, *args, **options):
        while True:
            try:
                result = fetchmail(everything=options["all"])
            except (OSError, ValueError) as error:
                raise CommandError(f"Cannot fetch mail: {error}") from error
            except Exception as error:  # imaplib.IMAP4.error and friends
                raise CommandError(f"The IMAP server refused: {error}") from error
            outcomes = ", ".join(f"{count} {outcome}" for outcome, count in sorted(result.by_outcome.items()))
            self.stdout.write(f"{result.fetched} fetched, {result.new} new" + (f" ({outcomes})" if outcomes else ""))
            if not options["every"]:
                return
            time.sleep(options["every"])
