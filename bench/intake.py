"""Alert intake over real HTTP: batches of 100 generic alerts with deduplication, against `bspos serve` (gunicorn).

Runs on the configured database: PostgreSQL in make bench (scripts/with-postgres.sh sets DATABASE_URL), or SQLite
(BSPOS_DATA_DIR=$(mktemp -d) .venv/bin/python bench/intake.py); works after bench/demo_scale.py or on an empty
database (it migrates). 20,000 alerts over 1,000 distinct keys on 200 RMM-synced hosts: the first 1,000 open
tickets, the rest are repeats that only count. Prints alerts/s of first sightings and of all alerts beside their
targets (issue 22: ≥ 1,000/s and ≥ 5,000/s) with the ratio; on PostgreSQL also the raw COPY of the same rows into a
bare copy of the alert table, the floor.
"""

import http.client
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bspos.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bspos.assets.models import Asset  # noqa: E402
from bspos.clients.models import Client  # noqa: E402
from bspos.intake import services  # noqa: E402
from bspos.intake.models import Alert  # noqa: E402
from bspos.servicedesk.models import Ticket  # noqa: E402

FIRST_AIM, ALL_AIM = 1000, 5000  # alerts per second over HTTP: first sightings, all alerts
HOSTS, KEYS, TOTAL, BATCH = 200, 1000, 20_000, 100
CLIENTS = int(os.environ.get("BENCH_HTTP_CLIENTS", "4"))
WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "2"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(run: str) -> str:
    client, _ = Client.objects.get_or_create(name="Bench Alerts Ltd", defaults={"status": "prospect"})
    Asset.objects.bulk_create([Asset(client=client, name=f"bench-host-{i}", asset_type="server",
                                     rmm_id=f"bench-host-{i}") for i in range(HOSTS)], ignore_conflicts=True)
    return services.create_source(name=f"bench {run}")[1]


def batches(run: str) -> list[bytes]:
    alerts = [{"key": f"{run}-{i % KEYS}", "title": f"Disk almost full ({i % KEYS})", "severity": "warning",
               "device_id": f"bench-host-{i % KEYS % HOSTS}", "details": "Free space below 10%.", "source": "bench"}
              for i in range(TOTAL)]
    return [json.dumps({"alerts": alerts[i:i + BATCH]}).encode() for i in range(0, TOTAL, BATCH)]


def serve(port: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "bspos", "serve", "--port", str(port), "--workers",
                               str(WORKERS)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300  # collectstatic first; slow on a busy machine
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("bspos serve did not start")


def post_all(port: int, token: str, bodies: list[bytes]) -> list[float]:
    """Send the batches over CLIENTS keep-alive connections; returns each batch's latency."""
    local = threading.local()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def send(body: bytes) -> float:
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        started = time.perf_counter()
        local.conn.request("POST", "/api/v1/alerts", body=body, headers=headers)
        response = local.conn.getresponse()
        answer = response.read()
        if response.status != 200 or json.loads(answer)["rejected"]:
            raise SystemExit(f"batch refused: {response.status} {answer[:300]!r}")
        return time.perf_counter() - started

    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(send, bodies))


def copy_rows(run: str, source_id: int) -> float:
    """PostgreSQL's raw COPY of the same 20,000 alert rows into a bare copy of the alert table."""
    now = timezone.now().isoformat()
    buffer = io.StringIO()
    for i in range(TOTAL):
        buffer.write(f"{source_id}\t{run}-{i % KEYS}\tfiring\twarning\tDisk almost full ({i % KEYS})\t"
                     f"Free space below 10%.\tbench-host-{i % KEYS % HOSTS}\t{{}}\t\t1\t1\t{now}\t{now}\n")
    columns = ("source_id, fingerprint, state, severity, title, details, host, labels, link, count, fire_count, "
               "first_seen, last_seen")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_alert_copy (LIKE intake_alert INCLUDING DEFAULTS INCLUDING IDENTITY)")
        raw = cursor.cursor
        started = time.perf_counter()
        with raw.copy(f"COPY bench_alert_copy ({columns}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        seconds = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_alert_copy")
        assert cursor.fetchone()[0] == TOTAL
        cursor.execute("DROP TABLE bench_alert_copy")
    return seconds


def main() -> None:
    call_command("migrate", verbosity=0)
    run = f"b{int(time.time())}"
    token = prepare(run)
    bodies = batches(run)
    tickets_before = Ticket.objects.count()
    port = free_port()
    server = serve(port)
    try:
        post_all(port, token, [json.dumps({"key": "warm-up", "title": "warm up"}).encode()] * (CLIENTS * 2))
        started = time.perf_counter()
        first = post_all(port, token, bodies[:KEYS // BATCH])  # every alert new: opens its ticket
        opening = time.perf_counter() - started
        rest = post_all(port, token, bodies[KEYS // BATCH:])  # repeats: deduplicated, counted
        total = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    source_id = Alert.objects.filter(fingerprint=f"{run}-0").values_list("source_id", flat=True).get()
    opened = Ticket.objects.count() - tickets_before
    counted = sum(Alert.objects.filter(source_id=source_id).exclude(fingerprint="warm-up")
                  .values_list("count", flat=True))
    assert opened == KEYS and counted == TOTAL, (opened, counted)
    rate, first_rate = TOTAL / total, KEYS / opening
    latencies = sorted(first + rest)
    print(f"database: {connection.vendor}; gunicorn {WORKERS} workers × 4 threads, {CLIENTS} HTTP clients; "
          f"{TOTAL:,} alerts in batches of {BATCH} over {KEYS:,} keys on {HOSTS} hosts")
    print(f"first sightings ({KEYS:,} alerts → {opened:,} tickets)   {opening:7.2f} s  {first_rate:9,.0f} alerts/s   "
          f"target ≥ {FIRST_AIM:,}/s, ratio {first_rate / FIRST_AIM:.2f}")
    print(f"repeats ({TOTAL - KEYS:,} alerts, deduplicated)          {total - opening:7.2f} s  "
          f"{(TOTAL - KEYS) / (total - opening):9,.0f} alerts/s")
    print(f"all {TOTAL:,} alerts over HTTP                      {total:7.2f} s  {rate:9,.0f} alerts/s   "
          f"target ≥ {ALL_AIM:,}/s, ratio {rate / ALL_AIM:.2f}")
    print(f"batch latency p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.0f} ms")
    if connection.vendor == "postgresql":
        copy_seconds = copy_rows(run, source_id)
        copy_rate = TOTAL / copy_seconds
        print(f"PostgreSQL raw COPY of the same {TOTAL:,} rows     {copy_seconds:7.2f} s  {copy_rate:9,.0f} rows/s    "
              f"HTTP intake / COPY {rate / copy_rate:.3f} (COPY is {copy_rate / rate:.0f}× faster)")

if __name__ == "__main__":
    main()
