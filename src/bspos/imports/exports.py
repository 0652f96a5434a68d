"""CSV export of the list pages, with the same search and filters as the page (each app's filter function).

Clients, contacts and assets are written with the import columns, so an export re-imports as it is. Responses
stream: a list of any length is written in chunks, never built in memory.
"""

import csv
from collections.abc import Iterable, Iterator

from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.utils import timezone

from bspos.agreements.views import FLAGS, _sees_guard, filter_agreements, flagged
from bspos.assets.views import filter_assets
from bspos.clients.models import Contact
from bspos.clients.views import filter_clients
from bspos.core.permissions import Can, can, requires
from bspos.imports.services import KINDS
from bspos.servicedesk import selectors
from bspos.servicedesk.models import Ticket
from bspos.servicedesk.views import _queue_filters

CHUNK = 2000
RISKY = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def cell(value) -> str:
    """A value as CSV text; text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat") and hasattr(value, "tzinfo"):
        value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value.tzinfo else value.isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(RISKY) and not _number(text) else text


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def stream(filename: str, header: list[str], rows: Iterable[Iterable]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


def clients(request: HttpRequest):
    rows, *_ = filter_clients(request.GET)
    columns = KINDS["clients"].columns
    return columns, rows.order_by("name").values_list(*columns).iterator(chunk_size=CHUNK)


def contacts(request: HttpRequest):
    rows = Contact.objects.all()
    client_id = request.GET.get("client", "")
    if client_id.isdigit():
        rows = rows.filter(client_id=int(client_id))
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(first_name__icontains=q) | rows.filter(last_name__icontains=q) | \
            rows.filter(email__icontains=q)
    columns = KINDS["contacts"].columns
    fields = ["client__name", *columns[1:]]
    return columns, rows.order_by("client__name", "last_name", "first_name").values_list(*fields) \
        .iterator(chunk_size=CHUNK)


def assets(request: HttpRequest):
    rows, *_ = filter_assets(request.GET)
    columns = KINDS["assets"].columns
    fields = ["client__name", "name", "asset_type", *columns[3:]]
    return columns, rows.order_by("client__name", "name").values_list(*fields).iterator(chunk_size=CHUNK)


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


EXPORTS = {"clients": (Can.DESK_READ, clients), "contacts": (Can.DESK_READ, contacts),
           "assets": (Can.DESK_READ, assets), "tickets": (Can.DESK_READ, tickets),
           "agreements": (Can.AGREEMENTS_READ, agreements)}


@requires(Can.DESK_READ)
def export(request: HttpRequest, kind: str) -> StreamingHttpResponse:
    if kind not in EXPORTS:
        raise Http404("No such export.")
    capability, build = EXPORTS[kind]
    if not can(request.user, capability):
        raise Http404("No such export.")
    header, rows = build(request)
    return stream(kind, header, rows)
