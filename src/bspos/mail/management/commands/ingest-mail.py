"""bspos ingest-mail FILE|- : take one RFC 822 message (from a file or standard input), e.g. from an MTA pipe.

Exit status 0 once the message is stored (whatever its outcome); 75 (EX_TEMPFAIL) when it could not be stored, so
a mail server piping to it keeps the message and retries.
"""

import sys

from django.core.management.base import BaseCommand

from bspos.mail.services import ingest

EX_TEMPFAIL = 75  # sysexits.h: a mail transfer agent keeps the message and delivers it again later


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
        try:
            message, created = ingest(raw)
        except Exception as error:  # the database is down or the disk is full: not stored, so ask the MTA to retry
            self.stderr.write(f"Not stored, try again later: {error}")
            sys.exit(EX_TEMPFAIL)
        where = f" (ticket #{message.ticket.number})" if message.ticket_id else ""
        state = "stored" if created else "already ingested, nothing done"
        self.stdout.write(f"{message.get_outcome_display()}{where}: {state}. {message.reason}".strip())
