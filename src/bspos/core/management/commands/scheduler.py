"""`bspos scheduler`: enqueue every declared periodic job on its cadence (the worker, `bspos db_worker`, runs them)."""

import signal
import time
from datetime import datetime

from django.core.management.base import BaseCommand

from bspos.core.schedule import SchedulerLock, scheduler


class Command(BaseCommand):
    help = ("Enqueue the periodic jobs the apps declare (core.schedule) on their cron cadence for the task worker. "
            "One scheduler enqueues at a time; a second one stands by and takes over when the first stops.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--standby-interval", type=float, default=10.0, metavar="SECONDS",
                            help="how often a standing-by scheduler tries to take over (default 10)")
        parser.add_argument("--list", action="store_true", dest="show",
                            help="print the jobs and their next run, then stop")

    def handle(self, *args, standby_interval: float, show: bool, **options) -> None:
        schedule = scheduler()
        if show:
            now = datetime.now(schedule.timezone)
            for job in schedule.get_jobs():
                self.stdout.write(f"{job.name}: next {job.trigger.get_next_fire_time(None, now):%Y-%m-%d %H:%M %Z}")
            return
        lock = SchedulerLock()
        signal.signal(signal.SIGTERM, _stop)  # a supervisor's stop is a clean exit, as Ctrl+C is
        try:
            if not lock.acquire():
                self.stdout.write("Another bspos scheduler is running; this one stands by and takes over when it "
                                  "stops.")
                self.stdout.flush()
                while not lock.acquire():
                    time.sleep(standby_interval)
            names = ", ".join(job.name for job in schedule.get_jobs())
            self.stdout.write(self.style.SUCCESS(f"Scheduler started with {len(schedule.get_jobs())} jobs: {names}"))
            self.stdout.flush()
            schedule.start()
        except KeyboardInterrupt:
            pass
        finally:
            if schedule.running:
                schedule.shutdown(wait=False)
            lock.release()


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt
