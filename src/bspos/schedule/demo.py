"""The demo MSP's dispatch board: four weeks back and two ahead of on-site visits and remote sessions on the
technicians' own tickets, the Monday team meeting, some Friday training, and a few double bookings to resolve.
Bulk inserts, choices from the builder's rng, days in the MSP's time zone."""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bspos.clients.models import Site
from bspos.schedule.models import Location, ScheduleEntry
from bspos.servicedesk.models import Status, Ticket

WEEKS_BACK, WEEKS_AHEAD = 4, 2
STARTS = [time(9, 30), time(10, 0), time(11, 0), time(13, 0), time(14, 0), time(15, 30)]
TRAINING = ["Training: Microsoft 365 security", "Training: firewall configuration", "Training: backup restores",
            "Lab: standard stack build", "Certification study"]
DONE = (Status.RESOLVED, Status.CLOSED)


def _weekdays(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)
            if (first + timedelta(days=n)).weekday() < 5]


def load_demo_schedule(now: datetime, rng: random.Random, technicians: list, zone: ZoneInfo) -> int:
    """Schedule entries for the demo's technicians; returns how many."""
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    first, last = monday - timedelta(weeks=WEEKS_BACK), monday + timedelta(weeks=WEEKS_AHEAD, days=-1)
    since = datetime.combine(first - timedelta(days=14), time.min, zone)
    ids = [t.pk for t in technicians]
    # each technician's tickets: (created, id, client, still open)
    tickets: dict[int, list[tuple[datetime, int, int, bool]]] = {pk: [] for pk in ids}
    for pk, assignee, client, created, status in (
            Ticket.objects.filter(assignee_id__in=ids, created_at__gte=since).order_by("pk")
            .values_list("pk", "assignee_id", "client_id", "created_at", "status")):
        tickets[assignee].append((created, pk, client, status not in DONE))
    sites: dict[int, int] = {}
    for site, client in Site.objects.order_by("client_id", "pk").values_list("pk", "client_id"):
        sites.setdefault(client, site)
    rows: list[ScheduleEntry] = []

    def book(technician, day: date, starts: time, minutes: int, **fields) -> None:
        begin = datetime.combine(day, starts, zone)
        rows.append(ScheduleEntry(technician=technician, starts_at=begin, ends_at=begin + timedelta(minutes=minutes),
                                  created_at=min(begin - timedelta(days=2), now), **fields))

    for technician in technicians:
        mine = tickets[technician.pk]
        for day in _weekdays(first, last):
            if day.weekday() == 0:
                book(technician, day, time(9), 30, title="Team meeting")
            if day.weekday() == 4 and rng.random() < 0.4:
                book(technician, day, time(16), 60, title=rng.choice(TRAINING))
            moment = datetime.combine(day, time(18), zone)
            # past days: tickets open by then; coming days: tickets still open now
            pool = [t for t in mine if t[0] <= moment and (day <= today or t[3])][-40:]
            if not pool:
                continue
            for starts in sorted(rng.sample(STARTS, rng.choice([1, 1, 2, 2, 3]))):
                created, ticket, client, _open = rng.choice(pool)
                on_site = rng.random() < 0.35 and client in sites
                minutes = rng.choice([60, 90, 120, 180]) if on_site else rng.choice([30, 60, 60, 90])
                if rng.random() < 0.03:  # a double booking for the dispatcher to sort out
                    minutes += 120
                book(technician, day, starts, minutes, ticket_id=ticket,
                     location=Location.ON_SITE if on_site else Location.REMOTE,
                     site_id=sites[client] if on_site else None)
    ScheduleEntry.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
