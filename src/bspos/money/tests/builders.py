"""Small, explicit builders for money tests: a client with an agreement, tickets and time in a given month."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from bspos.agreements.models import Agreement, AgreementKind
from bspos.assets.models import Asset
from bspos.clients.models import Client, ClientStatus, Contact
from bspos.people.models import Role, User
from bspos.servicedesk.models import Ticket, TimeEntry

_numbers = count(1)
OCTOBER = date(2026, 10, 1)


def technician(name: str = "tech") -> User:
    return User.objects.get_or_create(username=name, defaults={"role": Role.TECHNICIAN, "tier": 1})[0]


def client_with(kind: str = AgreementKind.PER_USER, *, name: str | None = None, users: int = 3, devices: int = 0,
                unit_price: str = "100.00", hourly_rate: str = "0", block_hours: str | None = None,
                start: date = date(2025, 1, 1), end: date | None = None, quantity: str = "1") -> Agreement:
    client = Client.objects.create(name=name or f"Client {next(_numbers)}", status=ClientStatus.ACTIVE,
                                   client_since=start, service_tier="gold")
    for index in range(users):
        Contact.objects.create(client=client, first_name=f"User{index}", is_billable_user=True)
    Contact.objects.create(client=client, first_name="Not billable", is_billable_user=False)
    for index in range(devices):
        Asset.objects.create(client=client, asset_type="workstation", name=f"PC{index}")
    return Agreement.objects.create(
        client=client, name=f"{kind} agreement", kind=kind, unit_price=Decimal(unit_price),
        quantity=Decimal(quantity), hourly_rate=Decimal(hourly_rate),
        block_hours=Decimal(block_hours) if block_hours else None, start_date=start, end_date=end)


def ticket(agreement: Agreement, *, in_scope: bool = True, agreement_linked: bool = True) -> Ticket:
    number = next(_numbers)
    return Ticket.objects.create(number=number, client=agreement.client, subject=f"Work {number}",
                                 agreement=agreement if agreement_linked else None, in_scope=in_scope)


def log(on: Ticket, minutes: int, *, day: int = 5, billable: bool = True, bill_rate: str = "120.00",
        cost_rate: str = "40.00", month: date = OCTOBER, hour: int = 10) -> TimeEntry:
    started = timezone.make_aware(datetime.combine(month + timedelta(days=day - 1), time(hour)))
    return TimeEntry.objects.create(technician=technician(), ticket=on, started_at=started, minutes=minutes,
                                    billable=billable, cost_rate=Decimal(cost_rate), bill_rate=Decimal(bill_rate))
