from datetime import date
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import TruncDate
from django.test import RequestFactory
from django.utils import timezone

from bspos.agreements.models import Agreement, AgreementKind
from bspos.assets.models import Asset
from bspos.clients.models import Client, ClientStatus, Contact
from bspos.demo.services import DEMO_TIME_ZONE, DemoSize, foreign_keys_validated_at_the_end, load_demo
from bspos.notifications.models import Notification
from bspos.people.models import Role, User
from bspos.servicedesk.models import OPEN_STATUSES, Note, Status, Ticket, TimeEntry
from bspos.servicedesk.selectors import SlaState, with_sla_state

TODAY = date(2026, 11, 20)
SMALL = DemoSize(clients=12, months=3, seed=7, today=TODAY)


def fingerprint() -> list:
    """What a user would see of the demo: clients, tickets, time (compared whole, so a failure shows the rows)."""
    rows = [
        list(Client.objects.order_by("name").values_list("name", "status", "service_tier", "client_since")),
        list(Ticket.objects.order_by("number").values_list(
            "number", "client__name", "subject", "priority", "status", "created_at", "resolved_at",
            "resolution_due", "assignee__username")),
        list(TimeEntry.objects.order_by("started_at", "technician__username", "minutes").values_list(
            "technician__username", "started_at", "minutes", "cost_rate")),
    ]
    return rows


@pytest.fixture
def demo(db):
    return load_demo(SMALL)


def test_demo_has_one_login_per_role_and_per_client_with_the_demo_password(demo):
    staff = ["owner", "manager", "vcio", "finance"] + [f"tech{n}" for n in range(1, 9)]
    for username in staff:
        assert authenticate(RequestFactory().post("/login/"), username=username, password="demo") is not None, username
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {Role.OWNER, Role.SERVICE_MANAGER, Role.TECHNICIAN, Role.VCIO, Role.FINANCE,
                     Role.CLIENT_CONTACT}
    served = Client.objects.exclude(status=ClientStatus.PROSPECT)
    assert Contact.objects.filter(user__role=Role.CLIENT_CONTACT).values("client").distinct().count() == \
        served.count()
    login = User.objects.filter(role=Role.CLIENT_CONTACT).first()
    assert authenticate(RequestFactory().post("/login/"), username=login.username, password="demo") == login
    assert login.contact.is_primary


def test_demo_covers_every_agreement_kind_tier_and_client_status(demo):
    assert set(Agreement.objects.values_list("kind", flat=True)) == set(AgreementKind.values)
    assert Client.objects.values("vertical").distinct().count() == 3
    assert Client.objects.values("service_tier").distinct().count() == 3
    assert {ClientStatus.ACTIVE, ClientStatus.CHURNED} <= set(Client.objects.values_list("status", flat=True))


@pytest.mark.django_db(transaction=True)
def test_same_seed_gives_the_same_demo_and_another_seed_does_not():
    load_demo(SMALL)
    first = fingerprint()
    call_command("flush", interactive=False, verbosity=0)
    load_demo(SMALL)
    assert fingerprint() == first
    call_command("flush", interactive=False, verbosity=0)
    load_demo(DemoSize(clients=12, months=3, seed=8, today=TODAY))
    assert fingerprint() != first


def test_tech1_and_the_manager_find_unread_notifications_on_open_tickets(demo):
    for username in ("tech1", "manager"):
        unread = Notification.objects.filter(recipient__username=username, read_at__isnull=True)
        assert unread.count() >= 2 and not unread.exclude(ticket__status__in=OPEN_STATUSES).exists()


def test_tickets_are_numbered_in_creation_order_without_gaps(demo):
    numbers = Ticket.objects.aggregate(low=Min("number"), high=Max("number"), count=Count("id"))
    assert numbers["low"] == 1 and numbers["high"] == numbers["count"] == demo.tickets
    by_number = list(Ticket.objects.order_by("number").values_list("created_at", flat=True))
    assert by_number == sorted(by_number)


def test_demo_delivery_looks_like_a_real_desk(demo):
    tickets = Ticket.objects.all()
    total = tickets.count()
    assert total > 500
    mix = dict(tickets.values_list("priority").annotate(n=Count("id")))
    assert set(mix) == {1, 2, 3, 4}
    assert mix[1] < mix[2] < mix[3]  # critical tickets are the rarest
    states = dict(with_sla_state(tickets, demo_now()).values_list("sla_state").annotate(n=Count("id")))
    assert 0 < states.get(SlaState.BREACHED, 0) < total * 0.25
    assert states.get(SlaState.MET, 0) > total * 0.6
    assert tickets.filter(in_scope=False).exists()
    assert tickets.filter(assignee__role=Role.OWNER).exists()  # the owner still takes tickets
    assert tickets.filter(status__in=OPEN_STATUSES).exists()
    assert tickets.filter(status=Status.CLOSED).exists()
    assert not tickets.filter(Q(resolution_due__lt=F("created_at")) | Q(first_response_due__lt=F("created_at"))
                              ).exists()
    churned = Client.objects.filter(status=ClientStatus.CHURNED)
    local_day = TruncDate("created_at", tzinfo=ZoneInfo(DEMO_TIME_ZONE))  # churn dates are the MSP's own days
    assert not tickets.annotate(day=local_day).filter(client__in=churned, day__gt=F("client__churned_on")).exists()


def demo_now():
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    return datetime.combine(TODAY, time(15), ZoneInfo("America/New_York"))


def test_technician_utilisation_is_realistic_at_the_default_size(db):
    """40 clients and 8 technicians: ticket work fills 55-90% of a 40-hour week, the owner works 50+ hours."""
    load_demo(DemoSize(clients=40, months=2, seed=1, today=TODAY))
    month = TimeEntry.objects.filter(started_at__date__gte=date(2026, 10, 1), started_at__date__lt=date(2026, 11, 1),
                                     technician__role=Role.TECHNICIAN, ticket__isnull=False)
    per_tech = month.values("technician").annotate(minutes=Sum("minutes"))
    available = 22 * 8 * 60  # October 2026 has 22 weekdays
    shares = [row["minutes"] / available for row in per_tech]
    assert len(shares) == 8
    assert 0.55 < sum(shares) / len(shares) < 0.9
    owner_minutes = TimeEntry.objects.filter(
        technician__username="owner", started_at__date__gte=date(2026, 10, 1), started_at__date__lt=date(2026, 11, 1)
    ).aggregate(total=Sum("minutes"))["total"]
    assert owner_minutes / 60 / (22 / 5) > 50  # founder hours per week, seed 000's MSP band is 55-70


def test_assets_have_sane_dates_and_unique_rmm_ids(demo):
    assert Asset.objects.count() > 12 * 8
    assert not Asset.objects.filter(warranty_expires__lt=F("purchased_on")).exists()
    assert Asset.objects.values("rmm_id").distinct().count() == Asset.objects.count()


def test_demo_command_refuses_a_database_with_data_and_if_empty_keeps_it(demo):
    tickets = Ticket.objects.count()
    with pytest.raises(CommandError, match="already holds data"):
        call_command("demo", "--clients", "2", "--months", "1")
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "already loaded" in out.getvalue()
    assert "tech8" in out.getvalue() and "demo" in out.getvalue()
    assert Ticket.objects.count() == tickets


def test_demo_command_prints_counts_and_logins(db):
    out = StringIO()
    call_command("demo", "--clients", "4", "--months", "1", "--today", "2026-11-24", stdout=out)
    text = out.getvalue()
    assert "Demo MSP loaded" in text and "owner" in text and "tech1" in text
    assert Client.objects.count() == 4


def foreign_keys() -> set[tuple]:
    """Every foreign key of the app's tables, as (table, column, referenced table)."""
    keys = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True):
            if connection.vendor == "sqlite":  # Django's SQLite constraint parser trips on some CHECKs
                cursor.execute(f"PRAGMA foreign_key_list({table})")
                keys |= {(table, row[3], row[2]) for row in cursor.fetchall()}
            else:
                keys |= {(table, info["columns"][0], info["foreign_key"][0])
                         for info in connection.introspection.get_constraints(cursor, table).values()
                         if info["foreign_key"]}
    return keys


def test_the_load_leaves_every_foreign_key_in_place(db):
    before = foreign_keys()
    load_demo(SMALL)
    assert ("servicedesk_note", "ticket_id", "servicedesk_ticket") in before
    assert foreign_keys() == before


@pytest.mark.django_db(transaction=True)
def test_a_row_breaking_a_foreign_key_fails_the_load_and_the_keys_stay():
    # The bulk load takes PostgreSQL's keys off and validates them once at the end; a bad row must still fail.
    before = foreign_keys()
    with pytest.raises(IntegrityError), transaction.atomic(), foreign_keys_validated_at_the_end():
        Note.objects.bulk_create([Note(ticket_id=10**9, body="orphan", created_at=timezone.now())])
    assert not Note.objects.exists()
    assert foreign_keys() == before
