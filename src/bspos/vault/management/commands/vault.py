"""`bspos vault rotate-key` (re-wrap every data key under the current key) and `bspos vault new-key`."""

from django.core.management.base import BaseCommand, CommandError

from bspos.vault import crypto, services


class Command(BaseCommand):
    help = "The credentials vault's key: rotate-key re-wraps every data key under the current (first) key."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rotate-key", help="Re-wrap every data key under the first key of BSPOS_VAULT_KEYS / file")
        new = sub.add_parser("new-key", help="Print a new key line (id:base64) to put first in BSPOS_VAULT_KEYS")
        new.add_argument("--id", default=None)

    def handle(self, *args, action, **options):
        if action == "new-key":
            self.stdout.write(crypto.new_key_line(options.get("id")))
            return
        try:
            count = services.rotate_key()
        except crypto.VaultKeyError as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        current = crypto.keyring().current_id
        self.stdout.write(f"Re-wrapped {count} data key{'s' if count != 1 else ''} under key “{current}”.")
