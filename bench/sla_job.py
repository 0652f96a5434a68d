"""The every-minute SLA job over every open ticket of the demo MSP, on the configured database.

Uses the loaded demo (run bench/demo_scale.py first on the same database, as make bench does), or loads one with
--clients/--months when the database is empty. Prints, for a run that finds nothing new (the steady state of a job
that runs every minute) and for runs a minute and an hour later: seconds, queries, what fired, and the ratio
to the 1 s aim. Usage: python bench/sla_job.py [--clients 1000] [--months 24]
"""

import argparse
import os
import time
from datetime import date, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bspos.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bspos.clients.models import Client  # noqa: E402
from bspos.demo.services import DemoBuilder, DemoSize, load_demo  # noqa: E402
from bspos.servicedesk.escalation import due_firings, run_sla_job  # noqa: E402
from bspos.servicedesk.models import OPEN_STATUSES, SlaMark, Ticket  # noqa: E402
from bspos.sla.models import EscalationRule  # noqa: E402

AIM_SECONDS = 1.0
TODAY = date(2026, 11, 24)  # bench/demo_scale.py's day


def timed(label: str, job) -> None:
    connection.queries_log.clear()  # the log keeps 9,000 queries; a long run would leave no room to count
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        fired = job()
        seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.3f} s, {len(queries)} queries, {fired} fired; "
          f"ratio to the {AIM_SECONDS} s aim {seconds / AIM_SECONDS:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--months", type=int, default=24)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    size = DemoSize(clients=args.clients, months=args.months, seed=1, today=TODAY, billed_months=1)
    if not Client.objects.exists():
        print(f"loading the demo: {args.clients} clients, {args.months} months …", flush=True)
        load_demo(size)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # reminders go nowhere
    open_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES, sla_plan__isnull=False).count()
    print(f"database: {connection.vendor}; tickets {Ticket.objects.count():,}, open with an SLA {open_tickets:,}, "
          f"escalation rules {EscalationRule.objects.count()}, marks {SlaMark.objects.count():,}")
    now = DemoBuilder(size).now  # the moment the demo's history stops (its thresholds up to then are marked)
    timed("finding what is due (cold)", lambda: len(due_firings(now)))
    timed("steady-state run (nothing new)", lambda: run_sla_job(now))
    # Runs later than the demo's moment fire the thresholds crossed since; rolled back so the bench is repeatable.
    for label, later in (("a minute", timedelta(minutes=1)), ("an hour", timedelta(hours=1))):
        with transaction.atomic():
            timed(f"run {label} later (acts through the desk's services)", lambda later=later: run_sla_job(now + later))
            transaction.set_rollback(True)
    timed("steady-state run again", lambda: run_sla_job(now))


if __name__ == "__main__":
    main()
