"""IMAP sign-in with OAuth2 (XOAUTH2) against Debian's Dovecot, whose oauth2 passdb checks each bearer token with a
small token + introspection endpoint this test serves on loopback (http.server in a thread)."""

import json
import secrets as pysecrets
import threading
import urllib.parse
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from bspos.mail import oauth
from bspos.mail.models import InboundMessage, MailOAuth
from bspos.mail.services import check_connection, fetchmail
from bspos.mail.tests.conftest import mail, run_dovecot

CLIENT_ID, CLIENT_SECRET, REFRESH = "bspos-app", "very-secret-client", "refresh-0"


class Provider:
    """What the identity provider knows: live access tokens (for Dovecot's introspection) and refresh tokens."""

    def __init__(self, user: str):
        self.user, self.active, self.refresh_tokens, self.issued = user, set(), {REFRESH}, 0
        self.rotate = False

    def issue(self) -> dict:
        self.issued += 1
        token = f"at-{self.issued}-{pysecrets.token_hex(8)}"
        self.active.add(token)
        answer = {"access_token": token, "token_type": "Bearer", "expires_in": 3600}
        if self.rotate:
            new = f"refresh-{self.issued}"
            self.refresh_tokens = {new}
            answer["refresh_token"] = new
        return answer

    def revoke_all(self):
        self.active.clear()


@pytest.fixture
def provider(dovecot_oauth):
    return dovecot_oauth[1]


@pytest.fixture
def dovecot_oauth():
    from bspos.mail.tests.conftest import Dovecot

    state = Provider(Dovecot.user)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status: int, body: dict):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            form = dict(urllib.parse.parse_qsl(self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()))
            if self.path == "/introspect":  # Dovecot asks: is this bearer token alive, and whose?
                if form.get("token") in state.active:
                    return self._answer(200, {"active": True, "username": state.user})
                return self._answer(200, {"active": False})
            if self.path != "/token":
                return self._answer(404, {"error": "not_found"})
            if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                return self._answer(401, {"error": "invalid_client",
                                          "error_description": "AADSTS7000215: Invalid client secret provided."})
            if form.get("grant_type") == "refresh_token" and form.get("refresh_token") not in state.refresh_tokens:
                return self._answer(400, {"error": "invalid_grant", "error_description": "Token has been expired "
                                                                                         "or revoked."})
            return self._answer(200, state.issue())

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{http.server_address[1]}"
    state.token_url = f"{base}/token"
    try:
        for server in run_dovecot(oauth2_url=f"{base}/introspect"):
            yield server, state
    finally:
        http.shutdown()


@pytest.fixture
def imap_env(dovecot_oauth, monkeypatch, db):
    server, _ = dovecot_oauth
    for name, value in server.environ().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BSPOS_IMAP_PASSWORD")  # OAuth2 only: a password would not help
    return server


def configure_microsoft(provider, secret=CLIENT_SECRET):
    return oauth.configure(grant="client_credentials", client_id=CLIENT_ID, client_secret=secret,
                           token_url=provider.token_url, scope=oauth.MICROSOFT_SCOPE)


def test_fetches_mail_with_a_client_credentials_token(imap_env, provider, alice):
    configure_microsoft(provider)
    imap_env.deliver(mail(subject="Scanner offline"))
    result = fetchmail()
    assert (result.fetched, result.new) == (1, 1)
    assert InboundMessage.objects.get().subject == "Scanner offline"
    assert provider.issued == 1
    imap_env.deliver(mail(subject="Second"))
    fetchmail()  # the cached token is used again: no second trip to the token endpoint
    assert provider.issued == 1
    assert InboundMessage.objects.count() == 2


def test_an_expired_token_is_refreshed_and_the_fetch_succeeds(imap_env, provider, alice):
    configure_microsoft(provider)
    oauth.access_token()
    MailOAuth.objects.update(expires_at=timezone.now() + timedelta(seconds=30))  # about to expire
    imap_env.deliver(mail())
    assert fetchmail().new == 1
    assert provider.issued == 2
    assert MailOAuth.objects.get().expires_at > timezone.now() + timedelta(minutes=50)


def test_a_token_the_server_no_longer_accepts_is_renewed_once(imap_env, provider, alice):
    configure_microsoft(provider)
    oauth.access_token()
    provider.revoke_all()  # still "valid" by its expiry, refused by the server
    imap_env.deliver(mail())
    assert fetchmail().new == 1
    assert provider.issued == 2


def test_a_refused_client_secret_shows_the_providers_error_and_fetches_nothing(imap_env, provider, alice):
    configure_microsoft(provider, secret="wrong")
    imap_env.deliver(mail())
    with pytest.raises(CommandError, match="invalid_client.*Invalid client secret"):
        call_command("fetchmail")
    assert InboundMessage.objects.count() == 0
    assert "invalid_client" in MailOAuth.objects.get().last_error


def test_a_revoked_refresh_token_shows_invalid_grant_and_changes_nothing(imap_env, provider, alice):
    row = oauth.configure(grant="refresh_token", client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                          refresh_token="revoked-one", token_url=provider.token_url)
    imap_env.deliver(mail())
    with pytest.raises(ValueError, match="invalid_grant"):
        fetchmail()
    after = MailOAuth.objects.get()
    assert InboundMessage.objects.count() == 0
    assert after.refresh_token_sealed == row.refresh_token_sealed and after.access_token_sealed == ""
    assert "Token has been expired or revoked" in after.last_error


def test_a_rotated_refresh_token_is_stored_and_used_next_time(imap_env, provider, alice):
    provider.rotate = True
    oauth.configure(grant="refresh_token", client_id=CLIENT_ID, client_secret=CLIENT_SECRET, refresh_token=REFRESH,
                    token_url=provider.token_url)
    imap_env.deliver(mail())
    assert fetchmail().new == 1
    assert provider.refresh_tokens == {"refresh-1"}  # the old one no longer works at the provider
    oauth.access_token(force=True)  # uses the stored, rotated token: refused otherwise
    assert provider.issued == 2


def test_stored_secrets_are_not_plaintext(imap_env, provider):
    oauth.configure(grant="refresh_token", client_id=CLIENT_ID, client_secret=CLIENT_SECRET, refresh_token=REFRESH,
                    token_url=provider.token_url)
    token = oauth.access_token()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM mail_mailoauth")
        stored = " ".join(str(value) for value in cursor.fetchone())
    for secret in (CLIENT_SECRET, REFRESH, token):
        assert secret not in stored
    assert oauth.access_token() == token  # and they open again with the key


def test_a_dedicated_key_other_than_the_one_used_cannot_open_them(imap_env, provider, monkeypatch):
    configure_microsoft(provider)
    monkeypatch.setenv("BSPOS_MAIL_SECRETS_KEY", "A" * 43 + "=")
    with pytest.raises(ValueError, match="cannot be opened with this key"):
        oauth.access_token()


def test_test_connection_command(imap_env, provider, capsys):
    configure_microsoft(provider)
    imap_env.deliver(mail())
    assert "holds 1 messages" in check_connection()
    assert InboundMessage.objects.count() == 0  # a test fetches nothing
    call_command("mail-oauth", "show")
    out = capsys.readouterr().out
    assert "Client credentials" in out and CLIENT_SECRET not in out


@pytest.fixture
def manager(db):
    from bspos.people.models import Role, User

    return User.objects.create_user("owner", password="x" * 12, role=Role.OWNER)


def test_the_mailbox_page_configures_oauth_and_never_shows_the_secret(client, manager, imap_env, provider):
    client.force_login(manager)
    response = client.post("/mail/mailbox/", {"action": "save", "grant": "client_credentials", "tenant": "",
                                              "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                                              "token_url": provider.token_url})
    assert response.status_code == 302
    page = client.get("/mail/mailbox/").content.decode()
    assert CLIENT_ID in page and CLIENT_SECRET not in page
    tested = client.post("/mail/mailbox/", {"action": "test"}, follow=True).content.decode()
    assert "Signed in as support" in tested


def test_the_mailbox_page_shows_the_providers_refusal(client, manager, imap_env, provider):
    configure_microsoft(provider, secret="wrong")
    client.force_login(manager)
    tested = client.post("/mail/mailbox/", {"action": "test"}, follow=True).content.decode()
    assert "invalid_client" in tested
    assert "Invalid client secret provided" in client.get("/mail/mailbox/").content.decode()


def test_a_refused_form_is_shown_again_with_the_error(client, manager, db):
    client.force_login(manager)
    response = client.post("/mail/mailbox/", {"action": "save", "grant": "client_credentials", "client_id": "x",
                                              "client_secret": "s"})
    assert response.status_code == 400
    assert "tenant" in response.content.decode() and not MailOAuth.objects.exists()


def test_a_technician_cannot_open_the_mailbox_page(client, tech):
    client.force_login(tech)
    assert client.get("/mail/mailbox/").status_code == 403
