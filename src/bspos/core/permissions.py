"""Who may do what: capabilities per role (docs/permissions.md) and the querysets each user may reach.

Every view and API endpoint asks here; a client contact only ever reaches their own company's rows.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404

from bspos.people.models import Role, User


class Can(StrEnum):
    DESK_READ = "desk.read"  # every client's tickets, notes (internal too), assets, contacts
    DESK_WRITE = "desk.write"  # open/update tickets, reply, internal notes
    DESK_MANAGE = "desk.manage"  # the desk's shared settings: canned replies
    TIME_OWN = "time.own"  # log and edit one's own time
    TIME_ALL = "time.all"  # see and correct everybody's time
    TIME_APPROVE = "time.approve"  # approve or return submitted weeks; manage the internal categories of time
    CLIENTS_WRITE = "clients.write"  # add clients, edit their details, change their status; delete contacts
    CONTACTS_WRITE = "contacts.write"  # add and edit a client's contacts and sites, deactivate, portal access
    ASSETS_WRITE = "assets.write"  # add, edit and retire assets (delete one that no ticket names)
    VAULT_READ = "vault.read"  # reveal a client's stored credentials (after re-authentication; audited)
    VAULT_WRITE = "vault.write"  # add, edit, import and share credentials
    DOCS_WRITE = "docs.write"  # a client's documented environment: domains, certificates, licences, networks, records
    AGREEMENTS_READ = "agreements.read"
    AGREEMENTS_WRITE = "agreements.write"  # agreements and SLA plans
    FINANCE = "finance"  # cost rates, margins, invoices, billing runs
    BUSINESS = "business"  # the owner's view: scorecard, health, funnel, readiness assessment
    VCIO = "vcio"  # run assessments, set targets, send CEO questionnaire links
    DELETE = "delete"  # delete clients, agreements, tickets (destructive)
    PORTAL = "portal"  # a client contact: own company's tickets, public replies only


ROLE_CAPABILITIES: dict[str, frozenset[Can]] = {
    Role.OWNER: frozenset(Can) - {Can.PORTAL},  # the only role with `business`
    Role.SERVICE_MANAGER: frozenset({Can.DESK_READ, Can.DESK_WRITE, Can.DESK_MANAGE, Can.TIME_OWN, Can.TIME_ALL,
                                     Can.CLIENTS_WRITE, Can.CONTACTS_WRITE, Can.ASSETS_WRITE, Can.AGREEMENTS_READ,
                                     Can.AGREEMENTS_WRITE, Can.DELETE, Can.VAULT_READ, Can.VAULT_WRITE,
                                     Can.DOCS_WRITE, Can.TIME_APPROVE}),
    # technicians keep a client's contacts, sites and assets right from the desk; clients themselves stay with
    # the managers and account managers
    Role.TECHNICIAN: frozenset({Can.DESK_READ, Can.DESK_WRITE, Can.TIME_OWN, Can.CONTACTS_WRITE, Can.ASSETS_WRITE,
                                Can.AGREEMENTS_READ, Can.VAULT_READ, Can.VAULT_WRITE, Can.DOCS_WRITE}),
    Role.VCIO: frozenset({Can.DESK_READ, Can.DESK_WRITE, Can.TIME_OWN, Can.CLIENTS_WRITE, Can.CONTACTS_WRITE,
                          Can.ASSETS_WRITE, Can.AGREEMENTS_READ, Can.AGREEMENTS_WRITE, Can.VCIO, Can.VAULT_READ,
                          Can.VAULT_WRITE, Can.DOCS_WRITE}),
    Role.FINANCE: frozenset({Can.DESK_READ, Can.TIME_OWN, Can.TIME_ALL, Can.AGREEMENTS_READ, Can.AGREEMENTS_WRITE,
                             Can.FINANCE}),
    Role.CLIENT_CONTACT: frozenset({Can.PORTAL}),
}


def can(user: User, capability: Can) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())


def require(user: User, capability: Can) -> None:
    if not can(user, capability):
        raise PermissionDenied(f"Your role cannot do this ({capability}).")
    if capability == Can.PORTAL and contact_client_id(user) is None:  # its Contact row was deleted: no company
        raise PermissionDenied("This login is no longer linked to a contact of a client; ask your IT provider.")


def is_client_contact(user: User) -> bool:
    """A client contact's login, with or without its Contact row: on MSP pages they meet 404, never 403."""
    return user.is_authenticated and user.role == Role.CLIENT_CONTACT


def contact_client_id(user: User) -> int | None:
    """The company of a client contact; None for anyone else (or a contact without one)."""
    if not can(user, Can.PORTAL):
        return None
    contact = getattr(user, "contact", None)
    return contact.client_id if contact else None


def requires(capability: Can):
    """View decorator: sign-in first; a client contact meets 404 on staff pages; other roles without it get 403."""
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(request.user, capability):
                if is_client_contact(request.user) and capability != Can.PORTAL:
                    raise Http404("Not found.")
                raise PermissionDenied(f"Your role cannot do this ({capability}).")
            require(request.user, capability)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def capabilities(request) -> dict:
    """Template context: `caps`, the signed-in user's capabilities, so menus show only what the role may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"caps": frozenset()}
    return {"caps": frozenset(c.value for c in ROLE_CAPABILITIES.get(user.role, frozenset()))}
