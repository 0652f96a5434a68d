"""`bspos check --deploy` is clean with the documented production settings, and the embedded run stays on HTTP."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[3]


def _check_deploy(tmp_path, **env) -> subprocess.CompletedProcess:
    left_out = {"DEBUG", "BSPOS_SECURE", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the last: browser fixture
    environment = {k: v for k, v in os.environ.items() if k not in left_out}
    environment.update(PYTHONPATH=str(SRC), BSPOS_DATA_DIR=str(tmp_path), **env)
    return subprocess.run([sys.executable, "-m", "bspos", "check", "--deploy", "--fail-level", "WARNING"],
                          env=environment, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    done = _check_deploy(tmp_path, BSPOS_SECURE="true", SECRET_KEY=secrets.token_urlsafe(64),
                         ALLOWED_HOSTS="psa.example.com", CSRF_TRUSTED_ORIGINS="https://psa.example.com")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


@pytest.mark.slow
def test_without_the_secure_flag_check_deploy_names_what_to_set(tmp_path):
    done = _check_deploy(tmp_path, SECRET_KEY=secrets.token_urlsafe(64))
    assert done.returncode != 0
    assert "SESSION_COOKIE_SECURE" in done.stderr + done.stdout


def test_the_embedded_run_keeps_plain_http_cookies(settings):
    assert not settings.SESSION_COOKIE_SECURE and not getattr(settings, "SECURE_SSL_REDIRECT", False)


@pytest.mark.slow
def test_an_owner_may_turn_hsts_preload_off_without_a_warning(tmp_path):
    done = _check_deploy(tmp_path, BSPOS_SECURE="true", BSPOS_HSTS_PRELOAD="false",
                         SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="psa.example.com")
    assert done.returncode == 0, done.stdout + done.stderr
