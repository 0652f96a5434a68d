"""A small client with a known history, so the data pack can be checked against figures worked out by hand."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from bspos.assets.models import Asset, Lifecycle
from bspos.clients.models import Client, ClientStatus, Contact
from bspos.intake.models import Alert
from bspos.intake.services import create_source
from bspos.money.models import Invoice, InvoiceStatus
from bspos.people.models import Role, User
from bspos.reviews.models import RefreshPolicy, Review
from bspos.servicedesk.models import Source, Ticket, TimeEntry
from bspos.vcio.models import RoadmapItem, RoadmapStatus

_numbers = count(900_000)
TODAY = date(2026, 11, 20)
MEETING = timezone.make_aware(datetime(2026, 10, 1, 10, 0))  # period: 3 Jul - 30 Sep 2026; previous 4 Apr - 2 Jul


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def vcio() -> User:
    return User.objects.get_or_create(username="sbr-vcio", defaults={"role": Role.VCIO, "first_name": "Vic",
                                                                      "email": "vic@msp.example"})[0]


def company(name: str = "Acme Ltd", since: date = date(2025, 1, 1)) -> Client:
    client = Client.objects.create(name=name, status=ClientStatus.ACTIVE, client_since=since, account_manager=vcio())
    Contact.objects.create(client=client, first_name="Cleo", last_name="Ceo", email=f"ceo@{client.pk}.example",
                           is_primary=True)
    return client


def ticket(client: Client, day: date, *, ticket_type: str = "incident", priority: int = 3,
           category: str = "other", resolved: date | None = None, due: date | None = None, source: str = "phone",
           asset: Asset | None = None) -> Ticket:
    number = next(_numbers)
    return Ticket.objects.create(
        number=number, client=client, subject=f"Ticket {number}", created_at=at(day), ticket_type=ticket_type,
        priority=priority, category=category, source=source, asset=asset,
        resolved_at=at(resolved, 12) if resolved else None, resolution_due=at(due, 11) if due else None)


def log(on: Ticket, minutes: int, day: date, bill_rate: str = "100.00") -> TimeEntry:
    technician = User.objects.get_or_create(username="sbr-tech", defaults={"role": Role.TECHNICIAN})[0]
    return TimeEntry.objects.create(technician=technician, ticket=on, started_at=at(day, 14), minutes=minutes,
                                    cost_rate=Decimal("40.00"), bill_rate=Decimal(bill_rate))


def history(client: Client) -> dict:
    """Three months of a small client's life, with the figures the pack must show (worked out by hand)."""
    RefreshPolicy.objects.update_or_create(asset_type="workstation", client=None, defaults={
        "max_age_months": 60, "replacement_value": Decimal("1000.00")})
    old = Asset.objects.create(client=client, asset_type="workstation", name="PC-OLD", purchased_on=date(2021, 9, 1),
                               warranty_expires=date(2027, 1, 1))  # life ends 1 Sep 2026: within two quarters
    lapsed = Asset.objects.create(client=client, asset_type="workstation", name="PC-LAPSED",
                                  purchased_on=date(2024, 1, 1), warranty_expires=date(2026, 1, 1))
    Asset.objects.create(client=client, asset_type="workstation", name="PC-NEW", purchased_on=date(2025, 6, 1),
                         warranty_expires=date(2028, 6, 1))
    Asset.objects.create(client=client, asset_type="workstation", name="PC-GONE", purchased_on=date(2015, 1, 1),
                         lifecycle=Lifecycle.RETIRED)
    # This period: three hardware incidents (two met the SLA, one late), one service request, one alert.
    first = ticket(client, date(2026, 7, 10), priority=2, category="hardware", resolved=date(2026, 7, 10),
                   due=date(2026, 7, 11), asset=old)
    second = ticket(client, date(2026, 8, 3), priority=2, category="hardware", resolved=date(2026, 8, 4),
                    due=date(2026, 8, 5), asset=old)
    third = ticket(client, date(2026, 9, 14), priority=3, category="hardware", resolved=date(2026, 9, 20),
                   due=date(2026, 9, 16), asset=lapsed)
    request = ticket(client, date(2026, 9, 1), ticket_type="request", priority=4, category="access")
    ticket(client, date(2026, 9, 2), priority=1, category="network", source=Source.ALERT)
    source = create_source(name="Alertmanager")[0]
    for key, severity, repeats, day in (("disk", "critical", 4, date(2026, 9, 2)), ("cpu", "warning", 2,
                                                                                     date(2026, 8, 1)),
                                        ("mem", "warning", 1, date(2026, 8, 9)), ("old", "critical", 1,
                                                                                  date(2026, 6, 1))):
        Alert.objects.create(source=source, fingerprint=key, state="firing", severity=severity, title=key,
                             client=client, count=repeats, first_seen=at(day), last_seen=at(day))
    # The previous period: two incidents.
    ticket(client, date(2026, 5, 5), category="software")
    ticket(client, date(2026, 6, 6), category="software")
    # After the period: not counted.
    ticket(client, date(2026, 10, 5), category="hardware")
    log(first, 120, date(2026, 7, 10))
    log(second, 300, date(2026, 8, 3))
    log(third, 180, date(2026, 9, 14))
    log(request, 30, date(2026, 9, 1))
    RoadmapItem.objects.create(client=client, area="Continuous", title="Immutable backups", quarter=date(2027, 1, 1),
                               one_time=Decimal("2000.00"), monthly=Decimal("50.00"), status=RoadmapStatus.PLANNED)
    RoadmapItem.objects.create(client=client, area="Clear", title="Documentation", quarter=date(2026, 10, 1),
                               one_time=Decimal("500.00"), status=RoadmapStatus.PROPOSED)
    RoadmapItem.objects.create(client=client, area="Clear", title="Old item", quarter=date(2026, 1, 1),
                               one_time=Decimal("900.00"), status=RoadmapStatus.DONE)
    Invoice.objects.create(client=client, status=InvoiceStatus.ISSUED, number=next(_numbers),
                           period_start=date(2026, 8, 1), period_end=date(2026, 8, 31), issued_on=date(2026, 9, 1),
                           subtotal=Decimal("500.00"), total=Decimal("500.00"), currency="GBP",
                           bill_to_name=client.name)  # an issued invoice carries its own copy of the details
    Invoice.objects.create(client=client, status=InvoiceStatus.DRAFT, period_start=date(2026, 9, 1),
                           period_end=date(2026, 9, 30), subtotal=Decimal("700.00"), total=Decimal("700.00"))
    return {"old": old, "lapsed": lapsed}


def review(client: Client, due: date = date(2026, 10, 1), scheduled=MEETING) -> Review:
    return Review.objects.create(client=client, vcio=client.account_manager, due_on=due, scheduled_at=scheduled)


def days(n: int) -> timedelta:
    return timedelta(days=n)
