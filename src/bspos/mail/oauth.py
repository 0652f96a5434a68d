"""OAuth2 sign-in to the IMAP mailbox (XOAUTH2): Microsoft 365 app-only (client credentials) or Google (refresh
token). Access tokens are cached sealed in the MailOAuth row until shortly before they expire; a refresh token the
provider rotates replaces the stored one. Plain urllib for the token request: one form POST, no OAuth library."""

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from bspos.audit.services import audited
from bspos.mail import secrets
from bspos.mail.models import MailOAuth

MICROSOFT_TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
MICROSOFT_SCOPE = "https://outlook.office365.com/.default"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
GOOGLE_SCOPE = "https://mail.google.com/"
EARLY = timedelta(seconds=120)  # a cached token is renewed this long before it expires
TIMEOUT = 30


class TokenError(ValueError):
    """The token endpoint refused (its `error` and `error_description`), or could not be reached."""


def current() -> MailOAuth | None:
    return MailOAuth.objects.first()


def configure(*, grant: str, client_id: str, client_secret: str = "", refresh_token: str = "", token_url: str = "",
              tenant: str = "", scope: str = "", actor=None) -> MailOAuth:
    """Store the mailbox's OAuth2 settings (one row), secrets sealed; any cached access token is dropped."""
    if grant not in MailOAuth.Grant.values:
        raise ValueError(f"Grant must be one of {', '.join(MailOAuth.Grant.values)}.")
    if not client_id:
        raise ValueError("A client id is needed.")
    if grant == MailOAuth.Grant.CLIENT_CREDENTIALS:
        if not client_secret:
            raise ValueError("Client credentials need the client secret.")
        if not token_url and not tenant:
            raise ValueError("Give the Microsoft 365 tenant (directory id or domain) or the token URL.")
        token_url = token_url or MICROSOFT_TOKEN_URL.format(tenant=urllib.parse.quote(tenant, safe=""))
        scope = scope or MICROSOFT_SCOPE
    else:
        if not refresh_token:
            raise ValueError("The refresh-token grant needs a refresh token.")
        token_url = token_url or GOOGLE_TOKEN_URL
    if not token_url.startswith(("https://", "http://")):
        raise ValueError("The token URL must be an http(s) URL.")
    with transaction.atomic():
        row = current() or MailOAuth()
        with audited(row, actor):
            row.grant, row.token_url, row.client_id, row.scope = grant, token_url, client_id, scope
            row.client_secret_sealed = secrets.seal(client_secret, "client_secret")
            row.refresh_token_sealed = secrets.seal(refresh_token, "refresh_token")
            row.access_token_sealed, row.expires_at, row.last_error, row.last_error_at = "", None, "", None
            row.save()
    return row


def remove(*, actor=None) -> None:
    """Back to password sign-in."""
    from bspos.audit.services import delete_audited

    with transaction.atomic():
        if row := current():
            delete_audited(row, actor)


def record_error(row: MailOAuth, message: str) -> None:
    MailOAuth.objects.filter(pk=row.pk).update(last_error=message[:2000], last_error_at=timezone.now())
    row.last_error = message


def _request_token(row: MailOAuth) -> dict:
    form = {"grant_type": row.grant, "client_id": row.client_id}
    if secret := secrets.open_sealed(row.client_secret_sealed, "client_secret"):
        form["client_secret"] = secret
    if row.grant == MailOAuth.Grant.REFRESH_TOKEN:
        form["refresh_token"] = secrets.open_sealed(row.refresh_token_sealed, "refresh_token")
    if row.scope:
        form["scope"] = row.scope
    request = urllib.request.Request(row.token_url, data=urllib.parse.urlencode(form).encode(), method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded",
                                              "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (the configured https URL)
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            answer = json.loads(body)
        except ValueError:
            answer = {}
        code = answer.get("error") if isinstance(answer, dict) else None
        if code:
            description = answer.get("error_description") or ""
            detail = f" ({description})" if description else ""
            raise TokenError(f"The token endpoint refused: {code}{detail}") from None
        text = body[:300].decode(errors="replace")
        raise TokenError(f"The token endpoint answered HTTP {error.code}: {text}") from None
    except (OSError, ValueError) as error:
        raise TokenError(f"The token endpoint cannot be reached: {error}") from error


def access_token(*, force: bool = False) -> str:
    """The cached access token, or a new one from the token endpoint when it is about to expire (or `force`).
    A refusal is kept on the row (last_error) and raised; the stored tokens are left as they were."""
    row = current()
    if row is None:
        raise TokenError("OAuth2 is not configured for the mailbox.")
    if not force and row.access_token_sealed and row.expires_at and row.expires_at - EARLY > timezone.now():
        return secrets.open_sealed(row.access_token_sealed, "access_token")
    try:
        answer = _request_token(row)
        token = answer.get("access_token")
        if not token:
            raise TokenError("The token endpoint answered without an access_token.")
    except TokenError as error:
        record_error(row, str(error))
        raise
    expires_in = int(answer.get("expires_in") or 3600)
    update = {"access_token_sealed": secrets.seal(token, "access_token"),
              "expires_at": timezone.now() + timedelta(seconds=expires_in), "last_error": "", "last_error_at": None}
    if rotated := answer.get("refresh_token"):  # Google and Microsoft may rotate it: keep the newest
        update["refresh_token_sealed"] = secrets.seal(rotated, "refresh_token")
    MailOAuth.objects.filter(pk=row.pk).update(**update)
    return token


def xoauth2(user: str, token: str) -> bytes:
    """The XOAUTH2 SASL initial response (imaplib base64-encodes it)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01".encode()
