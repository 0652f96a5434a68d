"""`bspos create-token --user NAME --scope read|write [--name N]`: prints the secret once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bspos.api.services import create_token
from bspos.people.models import User


class Command(BaseCommand):
    help = "Create an API token for a user and print its secret (shown only this once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", required=True, help="User name the token acts as.")
        parser.add_argument("--scope", choices=["read", "write"], default="read")
        parser.add_argument("--name", default="command line", help="What the token is for.")

    def handle(self, *args, user: str, scope: str, name: str, **options) -> None:
        try:
            owner = User.objects.get(username=user)
        except User.DoesNotExist:
            raise CommandError(f"No user named “{user}”.") from None
        try:
            token, secret = create_token(user=owner, name=name, scope=scope)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(secret)
        self.stderr.write(f"Token “{token.name}” ({token.scope}) for {owner.username}. Store it now: "
                          "it is not shown again. Use it as: Authorization: Bearer <token>")
