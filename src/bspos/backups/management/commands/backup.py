"""`bspos backup [--output FILE]`: the database, uploaded files and a manifest in one archive (docs/backup.md)."""

from django.core.management.base import BaseCommand, CommandError

from bspos.backups import crypto, services


class Command(BaseCommand):
    help = ("Write one archive with the database, the uploaded files and a manifest "
            "(encrypted when BSPOS_BACKUP_KEY is set).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", help="archive path (default: $BSPOS_BACKUP_DIR/bspos-<time>.tar.gz)")
        parser.add_argument("--no-encrypt", action="store_true", help="write it in the clear even with a key set")
        parser.add_argument("--include-vault-key", action="store_true",
                            help="put the credentials vault's keys in the archive (encrypted archives only)")
        parser.add_argument("--new-key", action="store_true", help="print a new BSPOS_BACKUP_KEY and exit")

    def handle(self, *args, output=None, no_encrypt=False, new_key=False, include_vault_key=False, **options) -> None:
        if new_key:
            self.stdout.write(crypto.new_key())
            return
        try:
            result = services.backup(output, encrypt=False if no_encrypt else None,
                                     include_vault_key=include_vault_key)
        except (services.BackupError, crypto.BackupKeyError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Backed up {result.tables} tables ({result.rows} rows) and {result.files} files to {result.path}"))
