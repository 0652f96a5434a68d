"""bspos mail-oauth: sign in to the IMAP mailbox with OAuth2 (XOAUTH2) instead of a password (docs/mail.md)."""

import os
import sys

from django.core.management.base import BaseCommand, CommandError

from bspos.mail import oauth
from bspos.mail.services import check_connection


class Command(BaseCommand):
    help = ("Configure OAuth2 sign-in for the IMAP mailbox (Microsoft 365 client credentials or a Google refresh "
            "token), show it, test the connection, or go back to the password.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ms = sub.add_parser("microsoft", help="Microsoft 365 app-only: tenant, client id; the secret from "
                                              "BSPOS_OAUTH_CLIENT_SECRET or standard input")
        ms.add_argument("--tenant", required=True)
        ms.add_argument("--client-id", required=True)
        ms.add_argument("--token-url", default="")
        ms.add_argument("--scope", default="")
        google = sub.add_parser("google", help="Google: client id; client secret and refresh token from "
                                               "BSPOS_OAUTH_CLIENT_SECRET / BSPOS_OAUTH_REFRESH_TOKEN or stdin")
        google.add_argument("--client-id", required=True)
        google.add_argument("--token-url", default="")
        google.add_argument("--scope", default="")
        sub.add_parser("show", help="what is configured (never the secrets) and the last error")
        sub.add_parser("test", help="get a token, sign in and open the mailbox; fetch nothing")
        sub.add_parser("remove", help="back to BSPOS_IMAP_PASSWORD")

    def _secret(self, name: str, prompt: str) -> str:
        if value := os.environ.get(name, ""):
            return value
        self.stderr.write(prompt)
        return sys.stdin.readline().strip()

    def handle(self, *args, action, **options):
        try:
            if action == "microsoft":
                oauth.configure(grant="client_credentials", client_id=options["client_id"], tenant=options["tenant"],
                                token_url=options["token_url"], scope=options["scope"],
                                client_secret=self._secret("BSPOS_OAUTH_CLIENT_SECRET", "Client secret: "))
            elif action == "google":
                oauth.configure(grant="refresh_token", client_id=options["client_id"], token_url=options["token_url"],
                                scope=options["scope"],
                                client_secret=self._secret("BSPOS_OAUTH_CLIENT_SECRET", "Client secret: "),
                                refresh_token=self._secret("BSPOS_OAUTH_REFRESH_TOKEN", "Refresh token: "))
            elif action == "remove":
                oauth.remove()
                self.stdout.write("The mailbox signs in with BSPOS_IMAP_PASSWORD again.")
                return
            elif action == "test":
                self.stdout.write(check_connection())
                return
            row = oauth.current()
            if row is None:
                self.stdout.write("Password sign-in (BSPOS_IMAP_PASSWORD); no OAuth2 configured.")
                return
            self.stdout.write(f"OAuth2: {row.get_grant_display()}\nToken URL: {row.token_url}\n"
                              f"Client id: {row.client_id}\nScope: {row.scope or '—'}\n"
                              f"Access token cached until: {row.expires_at or '—'}\n"
                              f"Last error: {row.last_error or '—'}")
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        except Exception as error:  # imaplib.IMAP4.error
            raise CommandError(f"The IMAP server refused: {error}") from error
