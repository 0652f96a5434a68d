"""`bspos restore FILE`: check the archive, save the current database, restore, migrate; roll back on failure."""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bspos.backups import crypto, services


class Command(BaseCommand):
    help = "Replace the database and uploaded files with a backup archive's (checked first, all or nothing)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument("--check", action="store_true", help="only check the archive; change nothing")

    def handle(self, *args, archive: str, yes=False, check=False, **options) -> None:
        try:
            if check:
                with tempfile.TemporaryDirectory() as tmp:
                    manifest = services.check(Path(archive), Path(tmp)).manifest
                rows = sum(t["rows"] for t in manifest["tables"].values())
                self.stdout.write(self.style.SUCCESS(
                    f"{archive}: bspos {manifest['bspos_version']}, {manifest['vendor']}, "
                    f"made {manifest['created_at']}, "
                    f"{len(manifest['tables'])} tables, {rows} rows; every checksum matches."))
                return
            if not yes and input("This replaces the whole database and the uploaded files. Type 'restore' to go on: "
                                 ).strip() != "restore":
                raise CommandError("Nothing restored.")
            result = services.restore(Path(archive), progress=self.stdout.write)
        except (services.BackupError, crypto.BackupKeyError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Restored {result.tables} tables ({result.rows} rows) and {result.files} files from {result.path}"))
