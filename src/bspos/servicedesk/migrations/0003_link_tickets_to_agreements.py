"""Every ticket belongs to an agreement: link the tickets that have none to the one that governs them.

The rule is Agreement.objects.governing(): the client's agreement in force on the ticket's local day, support
first (COVERAGE_ORDER), then the one that started last, then the one entered first. Historical models carry no
custom QuerySet methods, so the rule's two pieces are imported and run here as one UPDATE with a subquery.
Tickets with no agreement in force on their day keep none.
"""

from django.db import migrations
from django.db.models import Case, OuterRef, Subquery, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from bspos.agreements.models import COVERAGE_ORDER
from bspos.core.dates import in_force_q


def link_tickets_to_their_agreement(apps, schema_editor):
    Ticket = apps.get_model("servicedesk", "Ticket")
    Agreement = apps.get_model("agreements", "Agreement")
    coverage = Case(*[When(kind=kind, then=Value(rank)) for rank, kind in enumerate(COVERAGE_ORDER)],
                    default=Value(len(COVERAGE_ORDER)))
    governing = (Agreement.objects.filter(in_force_q(OuterRef("day")), client=OuterRef("client"))
                 .order_by(coverage, "-start_date", "pk").values("pk")[:1])
    (Ticket.objects.filter(agreement__isnull=True)
     .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
     .update(agreement=Subquery(governing)))


class Migration(migrations.Migration):

    dependencies = [
        ("agreements", "0004_agreement_package"),
        ("servicedesk", "0002_time_entry_client"),
    ]

    operations = [
        migrations.RunPython(link_tickets_to_their_agreement, migrations.RunPython.noop, elidable=True),
    ]
