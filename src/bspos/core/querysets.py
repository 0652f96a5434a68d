"""Who may see which rows, as one QuerySet method every page, export, API endpoint and report calls.

Modelled on NetBox's `RestrictedQuerySet.restrict(user)`: staff who read the desk see every client's rows; a
client contact sees only their own company's; anybody else sees nothing. A model owned by a client declares
the path to that client (`client_field`), and may narrow what contacts see further (`contact_filter`).
"""

from django.db import models
from django.db.models import Q

from bspos.core.permissions import Can, can, contact_client_id


class ClientOwnedQuerySet(models.QuerySet):
    client_field = "client"

    def contact_filter(self) -> Q:
        """What a contact may see of their own company's rows (everything, unless a model says otherwise)."""
        return Q()

    def visible_to(self, user) -> "ClientOwnedQuerySet":
        if can(user, Can.DESK_READ):
            return self
        company = contact_client_id(user)
        if company is None:
            return self.none()
        return self.filter(Q(**{self.client_field: company}) & self.contact_filter())

    def of_client(self, client) -> "ClientOwnedQuerySet":
        return self.filter(**{self.client_field: client})


def client_owned(client_field: str = "client", contact_filter: Q | None = None) -> type[ClientOwnedQuerySet]:
    """A `ClientOwnedQuerySet` for a model whose client is reached by `client_field`."""
    attrs = {"client_field": client_field}
    if contact_filter is not None:
        attrs["contact_filter"] = lambda self: contact_filter
    return type(f"ClientOwnedBy_{client_field}", (ClientOwnedQuerySet,), attrs)
