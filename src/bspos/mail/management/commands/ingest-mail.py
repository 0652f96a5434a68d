"""bspos ingest-mail FILE|- : take one RFC 822 message (from a file or standard input), e.g. from an MTA pipe."""

import sys

from django.core.management.base import BaseCommand

from bspos.mail.services import ingest


class Command(BaseCommand):
    help = "Ingest one RFC 822 message from FILE or - (standard input): ticket, reply, triage or quarantine."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the message, or - for standard input")

    def handle(self, *args, **options):
        if options["file"] == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(options["file"], "rb") as handle:
                raw = handle.read()
        message, created = ingest(raw)
        where = f" (ticket #{message.ticket.number})" if message.ticket_id else ""
        state = "stored" if created else "already ingested, nothing done"
        self.stdout.write(f"{message.get_outcome_display()}{where}: {state}. {message.reason}".strip())
