"""Fixtures of the mail tests: a client with a contact, a staff member, mail files under a temp data dir, and the
real servers (Debian's Dovecot IMAP, an aiosmtpd SMTP sink) on loopback ports."""

import fcntl
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest

from bspos.clients.models import Client, Contact
from bspos.conftest import free_port
from bspos.people.models import Role, User


@pytest.fixture(autouse=True)
def mail_files(settings, tmp_path):
    """Raw messages and attachments go to a throwaway data dir."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def outbox(settings):
    """bspos's own email backend (the test run's default is Django's in-memory one)."""
    settings.EMAIL_BACKEND = "bspos.mail.backends.OutboxBackend"


@pytest.fixture
def smtp_env(smtp_sink, monkeypatch, outbox):
    """A real SMTP server (the aiosmtpd sink) in BSPOS_SMTP_*; returns the messages it received."""
    controller, received = smtp_sink
    monkeypatch.setenv("BSPOS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BSPOS_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("BSPOS_MAIL_FROM", "support@msp.test")
    return received


@pytest.fixture
def acme(db) -> Client:
    return Client.objects.create(name="Acme Dental", status="prospect", website="https://www.acme-dental.test/")


@pytest.fixture
def alice(acme) -> Contact:
    return Contact.objects.create(client=acme, first_name="Alice", last_name="Moss", email="alice@acme-dental.test")


@pytest.fixture
def tech(db) -> User:
    return User.objects.create_user("tess", password="x" * 12, role=Role.TECHNICIAN, first_name="Tess")


def mail(*, sender="Alice Moss <alice@acme-dental.test>", subject="Printer jams on floor 2", body="It jams again.",
         message_id: str | None = None, headers: dict | None = None, attachments=()) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@msp.test"
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="acme-dental.test")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, content_type, payload in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(payload, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def _dovecot_binary() -> str:
    def find() -> str:
        return shutil.which("dovecot") or (os.path.exists("/usr/sbin/dovecot") and "/usr/sbin/dovecot") or ""

    if find():
        return find()
    # Like the Makefile's chromium target: Debian's package, installed when missing (needs root); one xdist worker
    # at a time (apt holds a lock of its own and would fail the other).
    with open(Path(tempfile.gettempdir()) / "bspos-dovecot-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not find():
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "dovecot-imapd"], check=True,
                           env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, stdout=subprocess.DEVNULL)
    if not find():
        pytest.fail("Debian's dovecot-imapd could not be installed (apt-get install dovecot-imapd, as root).")
    return find()


class Dovecot:
    user, password = "support", "s3cret-imap"

    def __init__(self, root: Path, port: int, uid: int, gid: int):
        self.root, self.port, self.uid, self.gid = root, port, uid, gid
        self.maildir = root / "home" / self.user / "Maildir"
        self.count = 0

    def deliver(self, raw: bytes) -> None:
        """Drop a message into the Maildir as a local delivery agent would (tmp/, then new/)."""
        self.count += 1
        name = f"{time.time_ns()}.{self.count}.bspos-test"
        tmp = self.maildir / "tmp" / name
        tmp.write_bytes(raw)
        os.chown(tmp, self.uid, self.gid)
        tmp.rename(self.maildir / "new" / name)

    def environ(self) -> dict:
        return {"BSPOS_IMAP_HOST": "127.0.0.1", "BSPOS_IMAP_PORT": str(self.port), "BSPOS_IMAP_USER": self.user,
                "BSPOS_IMAP_PASSWORD": self.password, "BSPOS_IMAP_TLS": "0", "BSPOS_IMAP_MAILBOX": "INBOX"}


@pytest.fixture
def dovecot():
    """Debian's Dovecot on a loopback port with a temp Maildir and a passwd-file user, in the foreground."""
    yield from run_dovecot()


def run_dovecot(oauth2_url: str = ""):
    """Dovecot in the foreground; with `oauth2_url` its logins are XOAUTH2 bearer tokens checked by POSTing them to
    that introspection endpoint (Dovecot 2.3's oauth2 passdb, introspection_mode = post), not passwords."""
    binary = _dovecot_binary()
    root = Path(tempfile.mkdtemp(prefix="bspos-dovecot-"))
    root.chmod(0o755)
    if os.geteuid() == 0:  # root (the PostgreSQL runs): the package's unprivileged users run logins and mail
        login_user, internal_user = "dovenull", "dovecot"
        uid, gid = pwd.getpwnam("dovecot").pw_uid, pwd.getpwnam("dovecot").pw_gid
    else:
        login_user = internal_user = pwd.getpwuid(os.getuid()).pw_name
        uid, gid = os.getuid(), os.getgid()
    port = free_port()
    server = Dovecot(root, port, uid, gid)
    for sub in ("new", "cur", "tmp"):
        (server.maildir / sub).mkdir(parents=True)
    for path in [root / "home", root / "home" / server.user, server.maildir, *server.maildir.iterdir()]:
        os.chown(path, uid, gid)
    (root / "passwd").write_text(f"{server.user}:{{PLAIN}}{server.password}::::::\n")
    passdb = f"""passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}"""
    mechanisms = "plain"
    if oauth2_url:
        (root / "oauth2.conf.ext").write_text(f"""introspection_mode = post
introspection_url = {oauth2_url}
username_attribute = username
active_attribute = active
active_value = true
""")
        passdb = f"""passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf.ext
}}"""
        mechanisms = "xoauth2 oauthbearer"
    (root / "dovecot.conf").write_text(f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 1
{passdb}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
""")
    process = subprocess.Popen([binary, "-F", "-c", str(root / "dovecot.conf")], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode(errors="replace") if process.poll() is not None else ""
                process.kill()
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                pytest.fail(f"Dovecot did not start: {output} {log}")
            time.sleep(0.1)
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(root, ignore_errors=True)
