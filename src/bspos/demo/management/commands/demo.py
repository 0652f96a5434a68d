"""`bspos demo`: load the demo MSP (deterministic for a seed) into an empty database."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bspos.clients.models import Client
from bspos.demo.services import DEMO_PASSWORD, DemoSize, load_demo
from bspos.people.models import Role, User


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError
    return number


class Command(BaseCommand):
    help = "Load the demo MSP: clients, agreements, assets and months of tickets and time (empty database only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--clients", type=_positive, default=40, help="Number of clients (default 40).")
        parser.add_argument("--months", type=_positive, default=12, help="Months of history (default 12).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same data.")
        parser.add_argument("--today", type=date.fromisoformat, default=None,
                            help="Pretend today is this date (YYYY-MM-DD); default: today.")
        parser.add_argument("--billed-months", type=_positive, default=None,
                            help="Bill only the last N closed months (default: every closed month).")
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing (but print the logins) when the database already holds data.")

    def handle(self, *args, clients: int, months: int, seed: int, today: date | None, if_empty: bool,
               billed_months: int | None = None, **options) -> None:
        console = Console(file=self.stdout, stderr=False)
        if Client.objects.exists() or User.objects.exists():
            if not if_empty:
                raise CommandError("The database already holds data; the demo MSP loads only into an empty one.")
            self._print_existing_logins()
            return
        size = DemoSize(clients=clients, months=months, seed=seed, today=today or date.today(),
                        billed_months=billed_months)
        started = time.monotonic()
        with Progress(TextColumn("{task.description:<34}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console, transient=False, disable=not console.is_terminal) as bar:
            task = bar.add_task("Demo MSP", total=None)

            def report(step: str, done: int, total: int) -> None:
                bar.update(task, description=step, completed=done, total=total)
                if not console.is_terminal and done < total:
                    self.stdout.write(f"  [{done + 1}/{total}] {step}")

            summary = load_demo(size, report)
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            f"Demo MSP loaded in {elapsed:.1f} s: {summary.clients:,} clients, {summary.contacts:,} contacts, "
            f"{summary.assets:,} assets, {summary.tickets:,} tickets, {summary.notes:,} notes, "
            f"{summary.time_entries:,} time entries."))
        self._print_logins(summary.staff_logins, summary.contact_logins)

    def _print_existing_logins(self) -> None:
        if not User.objects.filter(username="owner", role=Role.OWNER).exists():
            self.stdout.write("The database already holds data (not the demo): sign in with your own users.")
            return
        self.stdout.write("The demo MSP is already loaded; data is kept.")
        staff = User.objects.exclude(role=Role.CLIENT_CONTACT).order_by("pk").values_list("username", flat=True)
        contacts = User.objects.filter(role=Role.CLIENT_CONTACT).order_by("pk").values_list("username", flat=True)
        self._print_logins(list(staff), list(contacts))

    def _print_logins(self, staff: list[str], contacts: list[str]) -> None:
        self.stdout.write(f"Demo logins (password “{DEMO_PASSWORD}” for all):")
        self.stdout.write("  staff:    " + ", ".join(staff))
        shown = contacts[:8]
        more = f" … and {len(contacts) - len(shown)} more (one per client; see Back office › Users)" if len(
            contacts) > len(shown) else ""
        self.stdout.write("  contacts: " + ", ".join(shown) + more)

