"""The recurring-ticket job with 5,000 templates on the loaded demo (make bench runs it after bench/demo_scale.py).

Worst realistic tick: every template's first occurrence is today at 08:00 with no days ahead, so the 08:00 run
creates 5,000 tickets (each through servicedesk.services.create_ticket, with its agreement, SLA clocks, number and
audit row). Then an idle tick (nothing due) and the same tick run again (nothing created twice).
Prints seconds, tickets created and the ratio to the 5 s aim.
"""

import os
import time as clock
from datetime import datetime, time, timedelta
from itertools import cycle

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bspos.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bspos.clients.models import Client  # noqa: E402
from bspos.recurring import services  # noqa: E402
from bspos.recurring.models import Frequency, RecurringTicket  # noqa: E402

AIM = 5.0
TEMPLATES = 5000


def main() -> None:
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time(0, 0)))
    clients = cycle(Client.objects.filter(status="active").order_by("pk"))
    frequencies = cycle([Frequency.DAILY, Frequency.WEEKLY, Frequency.WEEKLY, Frequency.MONTHLY, Frequency.YEARLY])
    began = clock.perf_counter()
    for index in range(TEMPLATES):
        services.create_template(by=None, now=start, client=next(clients), subject=f"Bench routine {index}",
                                 frequency=next(frequencies), starts_on=today, time_of_day=time(8, 0))
    print(f"database: {connection.vendor}; {RecurringTicket.objects.count():,} templates made in "
          f"{clock.perf_counter() - began:.1f} s (setup, not timed against the aim)")
    for label, now in (("08:00 tick, every template due", start + timedelta(hours=8)),
                       ("same tick again (idempotent)", start + timedelta(hours=8)),
                       ("08:15 tick, nothing due", start + timedelta(hours=8, minutes=15))):
        began = clock.perf_counter()
        created = services.create_due(now=now)
        seconds = clock.perf_counter() - began
        print(f"{label}: {created:,} tickets in {seconds:.2f} s"
              + (f" ({created / seconds:,.0f} per second)" if created else "")
              + f", ratio to the {AIM:.0f} s aim {seconds / AIM:.2f}")


if __name__ == "__main__":
    main()
