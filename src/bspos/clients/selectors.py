"""Reads of clients and contacts beyond a filter: the CSV rows, in the columns the import reads back."""

from collections.abc import Iterator

from django.db.models import Count, Q, QuerySet

CHUNK = 2000
# The columns of the client and contact imports, so an export re-imports as it is (docs/imports.md).
CLIENT_COLUMNS = ["name", "status", "vertical", "service_tier", "prospect_since", "client_since", "churned_on",
                  "phone", "website", "notes"]
CONTACT_COLUMNS = ["client", "first_name", "last_name", "email", "phone", "job_title", "is_primary",
                   "is_billable_user", "is_active"]


def with_open_tickets(clients: QuerySet) -> QuerySet:
    """Each client's tickets not resolved yet (the desk sets `resolved_at` on resolve and close and clears it on
    reopen), counted through the reverse relation: the clients app does not import the desk."""
    return clients.annotate(open_tickets=Count("tickets", filter=Q(tickets__resolved_at__isnull=True)))


def client_rows(clients: QuerySet) -> Iterator[tuple]:
    return clients.order_by("name").values_list(*CLIENT_COLUMNS).iterator(chunk_size=CHUNK)


def contact_rows(contacts: QuerySet) -> Iterator[tuple]:
    contacts = contacts.order_by("client__name", "last_name", "first_name", "pk")
    return contacts.values_list("client__name", *CONTACT_COLUMNS[1:]).iterator(chunk_size=CHUNK)
