"""CSV export of the ticket and agreement lists, with the same filters as their pages.

Clients, contacts and assets are exported by their own apps (`/clients/export.csv`, `/clients/contacts/export.csv`,
`/assets/export.csv`) through their FilterSets; every file is written by `core.csvwriter`.
"""

from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.utils import timezone

from bspos.agreements.views import FLAGS, _sees_guard, filter_agreements, flagged
from bspos.core.csvwriter import stream
from bspos.core.permissions import Can, can, requires
from bspos.servicedesk import selectors
from bspos.servicedesk.models import Ticket
from bspos.servicedesk.views import _queue_filters

CHUNK = 2000


def tickets(request: HttpRequest):
    filters = _queue_filters(request)
    rows = selectors.ticket_queue(Ticket.objects.all(), filters=filters)
    header = ["number", "subject", "client", "contact_email", "status", "priority", "source", "category",
              "assignee", "created_at", "resolution_due", "sla_state", "resolved_at"]
    fields = ["number", "subject", "client__name", "contact__email", "status", "priority", "source", "category",
              "assignee__username", "created_at", "resolution_due", "sla_state", "resolved_at"]
    return header, rows.values_list(*fields).iterator(chunk_size=CHUNK)


def agreements(request: HttpRequest):
    today = timezone.localdate()
    rows, *_ = filter_agreements(request.GET, today)
    header = ["client", "name", "kind", "package", "unit_price", "quantity", "hourly_rate", "block_hours",
              "monthly_value", "start_date", "end_date", "term_months", "renewal_date"]
    fields = ["client__name", "name", "kind", "package__name", *header[4:]]
    flag = request.GET.get("flag", "")
    if flag in FLAGS and _sees_guard(request.user):
        kept, _guards = flagged(rows, flag, today)
        rows = rows.filter(pk__in=[a.pk for a in kept])
    return header, rows.values_list(*fields).iterator(chunk_size=CHUNK)


EXPORTS = {"tickets": (Can.DESK_READ, tickets), "agreements": (Can.AGREEMENTS_READ, agreements)}


@requires(Can.DESK_READ)
def export(request: HttpRequest, kind: str) -> StreamingHttpResponse:
    if kind not in EXPORTS:
        raise Http404("No such export.")
    capability, build = EXPORTS[kind]
    if not can(request.user, capability):
        raise Http404("No such export.")
    header, rows = build(request)
    return stream(kind, header, rows)
