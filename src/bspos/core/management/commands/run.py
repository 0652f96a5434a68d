"""`bspos run`: the embedded run in one command — the web server, the task worker and the scheduler side by side.

Production runs the three as separate services (docs/operations.md); this keeps `make run` behaving the same way.
Ctrl+C (or SIGTERM) stops all three; if one of them exits, the others are stopped too, so nothing half runs."""

import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the web server, the task worker and the scheduler together; Ctrl+C stops all three."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="web worker processes")

    def handle(self, *args, host: str, port: int, workers: int, **options) -> None:
        bspos = [sys.executable, "-m", "bspos"]
        commands = {
            "web": [*bspos, "serve", "--host", host, "--port", str(port), "--workers", str(workers)],
            "worker": [*bspos, "db_worker", "--no-reload"],
            "scheduler": [*bspos, "scheduler"],
        }
        signal.signal(signal.SIGTERM, _stop)
        children = {name: subprocess.Popen(command) for name, command in commands.items()}
        stopped = None
        try:
            while stopped is None:
                stopped = next((name for name, child in children.items() if child.poll() is not None), None)
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for child in children.values():
                if child.poll() is None:
                    child.terminate()
            for child in children.values():
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
        if stopped is not None:
            raise CommandError(f"The {stopped} process stopped (exit {children[stopped].returncode}); "
                               f"the others were stopped too.")


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt
