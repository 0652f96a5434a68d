"""Fixtures shared by the apps' tests."""

import os
import selectors
import shutil
import socket
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser():
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is not installed: `make test` installs it (apt-get install chromium).")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM checks run beside Playwright's event loop
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


@pytest.fixture
def sign_in(live_server):
    """Sign a browser page in through the login form of the live server (the demo's password by default)."""

    def sign(page, username: str, password: str = "demo") -> None:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)  # signed in and redirected, even on a loaded machine
        page.wait_for_load_state("networkidle")

    return sign


def database_url() -> str:
    """The test database, for a `bspos` command run in another process."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = f"{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}@" if db["USER"] else ""
    return f"postgres://{auth}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def bspos_process(*args: str, env: dict | None = None, **kwargs) -> subprocess.Popen:
    """A real `bspos …` process on the test database (output unbuffered, stderr into stdout)."""
    environ = {**os.environ, "DATABASE_URL": database_url(), "PYTHONUNBUFFERED": "1", **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "bspos", *args], env=environ, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, **kwargs)


def wait(check, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def read_until(process: subprocess.Popen, text: str, timeout: float = 60) -> str:
    """The process's output up to the line containing `text` (fails with the output so far on a timeout)."""
    seen = []
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if selector.select(timeout=max(deadline - time.monotonic(), 0)):
                line = process.stdout.readline()
                if not line and process.poll() is not None:
                    break
                seen.append(line)
                if text in line:
                    return "".join(seen)
    pytest.fail(f"{text!r} not seen in the output of {process.args[3:]}:\n{''.join(seen)}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_sink():
    """An aiosmtpd server on a loopback port that keeps every message it receives."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    class Keep(Message):
        def __init__(self):
            super().__init__()
            self.messages = []

        def handle_message(self, message):
            self.messages.append(message)

    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, handler.messages
    finally:
        controller.stop()


def signs_in(client, username: str, password: str) -> bool:
    """Whether the login form lets this user name and password in (client.login() skips the sign-in throttle,
    which needs the request)."""
    client.logout()
    client.post("/login/", {"username": username, "password": password})
    return "_auth_user_id" in client.session
