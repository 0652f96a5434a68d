"""`bspos run` (what `make run` starts): the web server, the task worker and the scheduler together, all stopped by
one Ctrl+C."""

import signal
import threading
import urllib.request

import pytest

from bspos.conftest import bspos_process, free_port, wait
from bspos.core.schedule import SchedulerLock

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_bspos_run_serves_the_login_page_with_the_worker_and_the_scheduler_beside_it(tmp_path, settings):
    settings.DATA_DIR = tmp_path  # where the scheduler's lock file is, on SQLite
    port = free_port()
    run = bspos_process("run", "--port", str(port), "--workers", "1", env={"BSPOS_DATA_DIR": str(tmp_path)})
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(iter(run.stdout.readline, "")), daemon=True).start()
    try:
        wait(lambda: _get(f"http://127.0.0.1:{port}/login/") == 200 or run.poll() is not None, timeout=180)
        wait(lambda: "Scheduler started with" in "".join(output) and "Starting worker" in "".join(output), 120)
        assert _get(f"http://127.0.0.1:{port}/login/") == 200, "".join(output)
        run.send_signal(signal.SIGINT)  # Ctrl+C
        assert run.wait(timeout=60) == 0, "".join(output)
        assert _get(f"http://127.0.0.1:{port}/login/") is None  # the web server stopped with it
        lock = SchedulerLock()
        assert lock.acquire(), "the scheduler still holds its lock"  # and so did the scheduler
        lock.release()
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()


def _get(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (a loopback URL of the test)
            return response.status
    except OSError:
        return None
