"""A real Prometheus Alertmanager (Debian's package) posts to the live test server: open, deduplicate, resolve."""

import json
import shutil
import subprocess
import time
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from bspos.conftest import free_port
from bspos.intake.models import Alert
from bspos.servicedesk.models import Status, Ticket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
BINARY = "prometheus-alertmanager"


def alertmanager_binary() -> str:
    """Debian's alertmanager, installed with apt when missing (as root, like chromium for the browser tests)."""
    if shutil.which(BINARY) is None:
        env = {"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, capture_output=True, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-qq", BINARY], check=False, env=env, capture_output=True,
                       timeout=600)
    path = shutil.which(BINARY)
    if path is None:
        pytest.fail(f"Debian's {BINARY} is not installed and apt-get could not install it (needs root).")
    return path


@pytest.fixture
def alertmanager(live_server, source, tmp_path):
    """Alertmanager on loopback whose webhook receiver is the live server, with the source's bearer token."""
    port = free_port()
    config = tmp_path / "alertmanager.yml"
    config.write_text(f"""
route:
  receiver: bspos
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: bspos
    webhook_configs:
      - url: {live_server.url}/api/v1/alerts/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: {source[1]}
""")
    process = subprocess.Popen([alertmanager_binary(), f"--config.file={config}", f"--storage.path={tmp_path}",
                                f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address="],
                               stdout=subprocess.DEVNULL, stderr=(tmp_path / "am.log").open("w"))
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _ready(base), what="alertmanager to start", log=tmp_path / "am.log")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _ready(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/-/ready", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def wait_for(check, *, what: str, timeout: float = 30, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(f"Timed out waiting for {what}." + (f"\n{log.read_text()[-2000:]}" if log else ""))


def fire(base: str, *alerts: dict) -> None:
    request = urllib.request.Request(f"{base}/api/v2/alerts", data=json.dumps(list(alerts)).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def disk_alert(mountpoint: str, *, ends: datetime) -> dict:
    now = datetime.now(UTC)
    return {"labels": {"alertname": "DiskFull", "instance": "web1:9100", "severity": "critical",
                       "mountpoint": mountpoint},
            "annotations": {"summary": f"Disk {mountpoint} almost full"},
            "startsAt": (now - timedelta(minutes=1)).isoformat(), "endsAt": ends.isoformat(),
            "generatorURL": "http://prometheus.local/graph"}


def test_alertmanager_opens_a_ticket_deduplicates_and_resolves_it(alertmanager, web1):
    later = datetime.now(UTC) + timedelta(minutes=10)
    fire(alertmanager, disk_alert("/", ends=later))
    ticket = wait_for(lambda: Ticket.objects.filter(subject="[Alert] Disk / almost full").first(),
                      what="the first ticket")
    assert (ticket.client, ticket.asset, ticket.priority) == (web1.client, web1, 1)

    # A second alert joins the group: Alertmanager sends the whole group again; the first only counts.
    fire(alertmanager, disk_alert("/var", ends=later))
    wait_for(lambda: Ticket.objects.filter(subject="[Alert] Disk /var almost full").exists(), what="second ticket")
    first = Alert.objects.get(ticket=ticket)
    assert first.count >= 2 and Ticket.objects.filter(subject=ticket.subject).count() == 1

    # Resolve the first (endsAt now): Alertmanager sends it resolved and the ticket resolves.
    fire(alertmanager, disk_alert("/", ends=datetime.now(UTC)))
    wait_for(lambda: Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED, what="the ticket to resolve")
    assert Alert.objects.get(pk=first.pk).state == Alert.State.RESOLVED
    assert Ticket.objects.filter(subject="[Alert] Disk /var almost full", status=Status.NEW).count() == 1
    assert Ticket.objects.count() == 2
