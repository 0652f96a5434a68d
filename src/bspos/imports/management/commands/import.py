"""bspos import clients|contacts|assets|time FILE.csv [--dry-run]: all rows or none, errors by line number."""

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bspos.imports.services import KINDS, FileRefused, decode, run_import


class Command(BaseCommand):
    help = "Import a CSV of clients, contacts, assets or time: every row is checked; one bad row imports nothing."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("file", help="the CSV file (UTF-8, first line = column names), or - for standard input")
        parser.add_argument("--dry-run", action="store_true", help="check every row and write nothing")

    def handle(self, *args, **options):
        import sys

        try:
            if options["file"] == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(options["file"], "rb") as handle:
                    data = handle.read()
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}") from error
        try:
            text = decode(data)
            with Progress(TextColumn(f"Importing {options['kind']}"), BarColumn(), MofNCompleteColumn(),
                          TimeRemainingColumn(), console=None, transient=True, disable=not sys.stderr.isatty()) as bar:
                task = bar.add_task("rows", total=None)
                result = run_import(kind=options["kind"], text=text, dry_run=options["dry_run"],
                                    progress=lambda done, total: bar.update(task, completed=done, total=total))
        except FileRefused as error:
            raise CommandError(" ".join(error.messages)) from error
        for row_error in result.errors:
            self.stderr.write(str(row_error))
        if result.errors:
            raise CommandError(result.summary())
        self.stdout.write(result.summary())
