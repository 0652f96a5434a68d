"""bspos bill --month 2026-10 [--regenerate] [--issue]: the monthly billing run from the command line."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bspos.core.dates import parse_month
from bspos.money.models import Invoice
from bspos.money.services import issue_invoices, run_billing


class Command(BaseCommand):
    help = "Bill a month: one draft invoice per client. Running it again bills nothing twice."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="The month to bill, YYYY-MM (e.g. 2026-10).")
        parser.add_argument("--regenerate", action="store_true",
                            help="Rebuild draft invoices of the month from current data (issued ones never change).")
        parser.add_argument("--issue", action="store_true",
                            help="Issue the month's drafts afterwards: they get invoice numbers and are frozen.")

    def handle(self, *args, month: str, regenerate: bool, issue: bool, **options):
        try:
            result = run_billing(parse_month(month), regenerate=regenerate)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(result.summary())
        for problem in result.problems:
            self.stderr.write(f"  not billed: {problem['client']}: {problem['message']}")
        for row in result.left_out:
            self.stdout.write(f"  left out: {row['client']}: {row['minutes']} min in {row['entries']} entries, "
                              "awaiting approval")
        if issue:
            issued = issue_invoices(Invoice.objects.filter(period_start=result.month))
            self.stdout.write(f"{issued} invoice(s) issued.")
        if result.problems:
            raise CommandError(f"{len(result.problems)} client(s) could not be billed; fix the data and run again.")
