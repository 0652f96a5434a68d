"""The container files at the repository root: compose.yaml, .env.example and the Dockerfile.

The real proof is scripts/container-smoke.sh (builds the image and runs it); these fail fast on a compose file or
Dockerfile edited into something that cannot work: a missing service, the migrate ordering, the health check, a
committed secret.
"""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_runs_postgres_migrate_web_worker_and_scheduler(compose):
    services = compose["services"]
    assert set(services) == {"db", "migrate", "web", "worker", "scheduler"}
    assert services["db"]["image"] == "postgres:15"
    assert services["web"]["command"][0] == "serve"
    assert services["worker"]["command"][0] == "db_worker"
    assert services["scheduler"]["command"] == ["scheduler"]
    assert services["migrate"]["command"][0] == "migrate" and services["migrate"]["restart"] == "no"


def test_web_worker_and_scheduler_start_only_after_migrate_succeeded(compose):
    services = compose["services"]
    for name in ("web", "worker", "scheduler"):
        assert services[name]["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}, name
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert "healthcheck" in services["db"]


def test_database_and_uploaded_files_live_on_named_volumes(compose):
    assert set(compose["volumes"]) == {"postgres-data", "bspos-data"}
    assert "postgres-data:/var/lib/postgresql/data" in compose["services"]["db"]["volumes"]
    for name in ("migrate", "web", "worker", "scheduler"):
        assert "bspos-data:/data" in compose["services"][name]["volumes"], name
        assert compose["services"][name]["env_file"] == ".env", name


def test_web_is_health_checked_against_the_probe_the_image_ships(compose):
    dockerfile = (ROOT / "Dockerfile").read_text()
    web = compose["services"]["web"]
    assert web["healthcheck"]["test"] == ["CMD", "/usr/local/bin/bspos-healthcheck"]
    assert "COPY scripts/container-healthcheck.py /usr/local/bin/bspos-healthcheck" in dockerfile
    assert 'HEALTHCHECK' in dockerfile and "bspos-healthcheck" in dockerfile.split("HEALTHCHECK", 1)[1].split("\n")[0]
    # The processes that serve no HTTP must not inherit the image's health check (they would show unhealthy).
    for name in ("migrate", "worker", "scheduler"):
        assert compose["services"][name]["healthcheck"] == {"disable": True}, name


def test_the_image_runs_as_a_non_root_user_on_debian_bookworm():
    dockerfile = (ROOT / "Dockerfile").read_text()
    froms = re.findall(r"^FROM (\S+)", dockerfile, re.M)
    assert len(froms) == 2 and all(base == "debian:bookworm-slim" for base in froms)  # multi-stage, Debian's 3.11
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert users and users[-1] not in {"root", "0"}
    assert re.search(r"bspos collectstatic", dockerfile)
    assert "[test]" not in dockerfile  # no test tools in the image


def test_no_secret_is_committed():
    """compose.yaml takes every secret from .env; .env.example leaves them empty; .env itself is never committed."""
    text = (ROOT / "compose.yaml").read_text()
    for key, value in re.findall(r"^\s*(\w*(?:PASSWORD|SECRET|KEY)\w*)\s*:\s*(.*)$", text, re.M):
        assert value.startswith("${"), f"{key} in compose.yaml must come from .env"
    example = dict(
        line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    for name in ("SECRET_KEY", "POSTGRES_PASSWORD"):
        assert example[name] == "", name
    assert not any(value for name, value in example.items() if re.search("PASSWORD|SECRET|KEY", name))
    ignored = (ROOT / ".gitignore").read_text().split() + (ROOT / ".dockerignore").read_text().split()
    assert ignored.count(".env") == 2
