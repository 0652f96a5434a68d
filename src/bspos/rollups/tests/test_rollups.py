"""The monthly roll-ups stay exact: after any sequence of ticket, time and invoice changes (back-dated ones into
closed months too), every stored month that is not marked changed equals the raw aggregate, and a rebuild of the
marked ones makes them equal again. The owner's figures are the same read from the roll-ups or the raw rows."""

from contextlib import suppress
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from bspos.clients.tests.factories import ClientFactory
from bspos.core.dates import add_months, month_start, months_ending, previous_month
from bspos.money.models import Invoice, InvoiceStatus
from bspos.money.services import credit_invoice, issue_invoices
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.rollups import facts, selectors, services
from bspos.rollups.models import ClientMonth, DeskMonth, RollupMonth, TechnicianMonth
from bspos.scorecard.services import owner_view
from bspos.servicedesk import services as desk
from bspos.servicedesk.models import InternalCategory, Status, Ticket, TimeEntry

THIS_MONTH = month_start(timezone.now().date())
MONTHS = [add_months(THIS_MONTH, -n) for n in (3, 2, 1, 0)]  # three closed months and the current one
CLOSED = MONTHS[:3]
TABLES = [(ClientMonth, facts.client_facts, ("client_id",), facts.CLIENT_FIGURES),
          (TechnicianMonth, facts.technician_facts, ("technician_id",), facts.TECHNICIAN_FIGURES),
          (DeskMonth, facts.desk_facts, ("assignee_id", "priority"), facts.TICKET_FIGURES)]


def moment(month: int, day: int, hour: int = 10) -> datetime:
    return datetime.combine(MONTHS[month].replace(day=day), datetime.min.time(), UTC) + timedelta(hours=hour)


def rows(found: list[dict], keys: tuple, figures: dict) -> set[tuple]:
    """Rows as comparable tuples, leaving out all-zero rows (a stored month keeps none of them)."""
    return {(row["month"], *(row[k] for k in keys), *(row[f] for f in figures)) for row in found
            if any(row[f] for f in figures)}


def assert_fresh_months_equal_the_raw_rows() -> None:
    fresh = selectors.stored_months(CLOSED)
    for model, compute, keys, figures in TABLES:
        for month in fresh:
            stored = list(model.objects.filter(month=month).values("month", *keys, *figures))
            assert rows(stored, keys, figures) == rows(compute([month]), keys, figures), (model.__name__, month)


operations = st.lists(st.one_of(
    st.tuples(st.just("ticket"), st.integers(0, 1), st.integers(0, 3), st.integers(1, 3)),
    st.tuples(st.just("time"), st.integers(0, 9), st.integers(0, 3), st.integers(1, 240), st.booleans()),
    st.tuples(st.just("internal"), st.integers(0, 3), st.integers(1, 120)),
    st.tuples(st.just("move time"), st.integers(0, 9), st.integers(0, 3)),
    st.tuples(st.just("delete time"), st.integers(0, 9)),
    st.tuples(st.just("resolve"), st.integers(0, 9), st.integers(0, 3)),
    st.tuples(st.just("scope"), st.integers(0, 9)),
    st.tuples(st.just("assign"), st.integers(0, 9), st.integers(0, 1)),
    st.tuples(st.just("escalate"), st.integers(0, 9)),
    st.tuples(st.just("invoice"), st.integers(0, 1), st.integers(0, 3), st.integers(0, 5000)),
    st.tuples(st.just("credit"), st.integers(0, 5)),
), min_size=1, max_size=14)


class RollupsStayExact(TestCase):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(operations=operations)
    def test_every_fresh_roll_up_row_equals_the_raw_aggregate_after_any_changes(self, operations):
        clients = [ClientFactory(), ClientFactory()]
        people = [UserFactory(username="tech-a", tier=3), UserFactory(username="owner-b", role=Role.OWNER)]
        tickets = [desk.create_ticket(client=clients[0], subject="Seed", created_at=moment(0, 2))]
        services.rebuild(CLOSED)
        for operation in operations:
            with suppress(ValidationError):  # refused (e.g. resolving before it was opened): nothing changed
                self.apply(operation, clients, people, tickets)
            assert_fresh_months_equal_the_raw_rows()
        services.rebuild_stale()
        assert selectors.stored_months(CLOSED) == set(CLOSED)
        assert_fresh_months_equal_the_raw_rows()

    def apply(self, operation, clients, people, tickets) -> None:
        kind, *args = operation
        entries = list(TimeEntry.objects.order_by("pk"))
        pick = lambda items, i: items[i % len(items)] if items else None  # noqa: E731
        if kind == "ticket":
            client, month, level = clients[args[0]], args[1], args[2]
            tickets.append(desk.create_ticket(client=client, subject="Back-dated", created_at=moment(month, 3),
                                              impact=level, urgency=level))
        elif kind == "time":
            desk.log_time(technician=people[args[0] % 2], ticket=pick(tickets, args[0]), minutes=args[2],
                          started_at=moment(args[1], 5), billable=args[3])
        elif kind == "internal":
            desk.log_time(technician=people[0], internal_category=InternalCategory.ACCOUNT_MANAGEMENT,
                          minutes=args[1], started_at=moment(args[0], 6))
        elif kind == "move time" and entries:
            desk.update_time_entry(pick(entries, args[0]), started_at=moment(args[1], 7))
        elif kind == "delete time" and entries:
            desk.delete_time_entry(pick(entries, args[0]))
        elif kind == "resolve":
            ticket = Ticket.objects.get(pk=pick(tickets, args[0]).pk)
            if ticket.status not in (Status.RESOLVED, Status.CLOSED):
                desk.change_status(ticket, Status.RESOLVED, at=max(moment(args[1], 20), ticket.created_at),
                                   resolution="Fixed")
        elif kind == "scope":
            ticket = Ticket.objects.get(pk=pick(tickets, args[0]).pk)
            desk.update_ticket(ticket, in_scope=not ticket.in_scope)
        elif kind == "assign":
            desk.update_ticket(Ticket.objects.get(pk=pick(tickets, args[0]).pk), assignee=people[args[1]])
        elif kind == "escalate":
            desk.escalate(Ticket.objects.get(pk=pick(tickets, args[0]).pk))
        elif kind == "invoice":
            client, month = clients[args[0]], MONTHS[args[1]]
            if not Invoice.objects.filter(client=client, period_start=month).exclude(
                    status=InvoiceStatus.CREDITED).exists():
                amount = Decimal(args[2])
                Invoice.objects.create(client=client, period_start=month, period_end=month.replace(day=28),
                                       tax_rate=0, subtotal=amount, tax=0, total=amount)
        elif kind == "credit":
            invoice = pick(list(Invoice.objects.filter(kind="invoice").exclude(status=InvoiceStatus.CREDITED)
                                .order_by("pk")), args[0])
            if invoice is not None:
                issue_invoices(Invoice.objects.filter(pk=invoice.pk))
                credit_invoice(Invoice.objects.get(pk=invoice.pk), reason="Billed twice")


class RollupsMarkAndRebuild(TestCase):
    def test_a_back_dated_entry_marks_its_closed_month_and_the_current_month_is_never_stored(self):
        ticket = desk.create_ticket(client=ClientFactory(), subject="Old", created_at=moment(1, 2))
        services.rebuild(MONTHS)
        assert set(RollupMonth.objects.values_list("month", flat=True)) == set(CLOSED)
        assert selectors.stored_months(MONTHS) == set(CLOSED)
        desk.log_time(technician=UserFactory(), ticket=ticket, minutes=30, started_at=moment(3, 1))
        assert selectors.stored_months(MONTHS) == set(CLOSED)  # a change in the current month marks nothing
        desk.log_time(technician=UserFactory(), ticket=ticket, minutes=45, started_at=moment(0, 9))
        assert selectors.stored_months(MONTHS) == set(CLOSED[1:])
        assert sum(r["minutes"] for r in selectors.technician_months(CLOSED)) == 45  # read live meanwhile
        assert services.rebuild_stale().months == [CLOSED[0]]
        assert TechnicianMonth.objects.get(month=CLOSED[0]).minutes == 45


class OwnerFiguresWithAndWithoutRollups(TestCase):
    def test_the_owner_page_figures_are_identical_read_from_the_roll_ups_or_the_raw_rows(self):
        clients = [ClientFactory(service_tier="gold"), ClientFactory(service_tier="gold"), ClientFactory()]
        tech = UserFactory(username="tech", tier=3)
        owner = UserFactory(username="boss", role=Role.OWNER)
        months = months_ending(previous_month(timezone.localdate()), 3)
        for index, month in enumerate(months):
            start = datetime.combine(month.replace(day=4), datetime.min.time(), UTC)
            for n, client in enumerate(clients):
                ticket = desk.create_ticket(client=client, subject="Slow", created_at=start + timedelta(hours=n),
                                            assignee=tech if n else owner, impact=1 + n, urgency=1 + n)
                desk.log_time(technician=tech, ticket=ticket, minutes=35 + 7 * n + index, started_at=start)
                desk.change_status(ticket, Status.RESOLVED, at=start + timedelta(hours=5 + n), resolution="Done")
                if n == 1:
                    desk.update_ticket(ticket, in_scope=False)
                    desk.escalate(ticket)
                Invoice.objects.create(client=client, period_start=month, period_end=month.replace(day=28),
                                       tax_rate=0, subtotal=Decimal(1000 + 333 * n), tax=0,
                                       total=Decimal(1000 + 333 * n))
            desk.log_time(technician=tech, internal_category=InternalCategory.SALES, minutes=50, started_at=start)
        services.rebuild(months)
        today = timezone.localdate()
        with override_settings(BSPOS_ROLLUPS=False):
            raw = owner_view(months, today)
        assert selectors.stored_months(months) == set(months)
        stored = owner_view(months, today)
        for key in ("margin", "series", "scorecard", "utilisation", "consistency", "signals", "maturity"):
            assert stored[key] == raw[key], key
        assert raw["margin"].clients and raw["consistency"] == [] and raw["maturity"]["tracked"]["total"] == 3
