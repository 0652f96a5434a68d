"""`bspos alert-source NAME [--kind alertmanager|generic]`: create an alert source and print its token once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bspos.intake import services
from bspos.intake.models import AlertSource


class Command(BaseCommand):
    help = "Create an alert source and print its bearer token (shown once; only its hash is stored)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name")
        parser.add_argument("--kind", choices=AlertSource.Kind.values, default=AlertSource.Kind.GENERIC)
        parser.add_argument("--refire", choices=AlertSource.Refire.values, default=AlertSource.Refire.REOPEN)
        parser.add_argument("--no-resolve", action="store_true", help="A resolved alert only adds a note.")

    def handle(self, *args, name: str, kind: str, refire: str, no_resolve: bool, **options) -> None:
        try:
            _, token = services.create_source(name=name, kind=kind, refire=refire,
                                              resolve_on_resolved=not no_resolve)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(token)
