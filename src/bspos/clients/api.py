"""REST endpoints for clients, contacts and sites: the same writes as the pages, through clients.services, with the
same capabilities (docs/permissions.md)."""

from datetime import date, datetime
from typing import Annotated, Literal

from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from bspos.clients import services
from bspos.clients.filters import ClientFilter, ContactFilter, SiteFilter
from bspos.clients.models import Client, ClientStatus, Contact, ServiceTier, Site
from bspos.core.api import MAX_ID, Id, Pages, existing, staff_read, staff_write, text
from bspos.core.filters import api_filter, query_schema
from bspos.core.permissions import Can
from bspos.people.models import User

router = Router(tags=["clients"])
ClientQuery, ContactQuery, SiteQuery = query_schema(ClientFilter), query_schema(ContactFilter), query_schema(SiteFilter)
Tier = ServiceTier | Literal[""]
PathId = Path(..., ge=1, le=MAX_ID)


class ClientOut(Schema):
    id: int
    name: str
    status: ClientStatus
    vertical: str
    service_tier: str
    prospect_since: date | None
    client_since: date | None
    churned_on: date | None
    churn_reason: str
    fiscal_year_start: int
    account_manager_id: int | None
    phone: str
    website: str
    notes: str
    created_at: datetime


class ClientIn(Schema):
    name: text(200, min_length=1)
    status: ClientStatus = ClientStatus.PROSPECT
    vertical: text(100) = ""
    service_tier: Tier = ""
    prospect_since: date | None = None
    client_since: date | None = None
    churned_on: date | None = None
    churn_reason: text(300) = ""
    fiscal_year_start: Annotated[int, Field(ge=1, le=12)] = 1
    account_manager_id: Id | None = None
    phone: text(50) = ""
    website: text(200) = ""
    notes: text(20000) = ""


class ClientPatch(Schema):
    name: text(200, min_length=1) | None = None
    status: ClientStatus | None = None
    vertical: text(100) | None = None
    service_tier: Tier | None = None
    prospect_since: date | None = None
    client_since: date | None = None
    churned_on: date | None = None
    churn_reason: text(300) | None = None
    fiscal_year_start: Annotated[int, Field(ge=1, le=12)] | None = None
    account_manager_id: Id | None = None
    phone: text(50) | None = None
    website: text(200) | None = None
    notes: text(20000) | None = None


def _client_data(payload: Schema, *, partial: bool) -> dict:
    data = payload.dict(exclude_unset=partial)
    if "account_manager_id" in data:
        data["account_manager"] = existing(User, data.pop("account_manager_id"), "account_manager_id")
    return data


@router.get("/clients", response=list[ClientOut])
@paginate(Pages)
def list_clients(request, filters: Query[ClientQuery]):
    staff_read(request)
    return api_filter(ClientFilter, request, Client.objects.visible_to(request.user)).order_by("name")


@router.post("/clients", response={201: ClientOut})
def create_client(request, payload: ClientIn):
    staff_write(request, Can.CLIENTS_WRITE)
    return Status(201, services.create_client(by=request.user, **_client_data(payload, partial=False)))


def _client(request, client_id: int) -> Client:
    return get_object_or_404(Client.objects.visible_to(request.user), pk=client_id)


@router.get("/clients/{client_id}", response=ClientOut)
def get_client(request, client_id: int = PathId):
    staff_read(request)
    return _client(request, client_id)


@router.patch("/clients/{client_id}", response=ClientOut)
def update_client(request, payload: ClientPatch, client_id: int = PathId):
    staff_write(request, Can.CLIENTS_WRITE)
    return services.update_client(by=request.user, client=_client(request, client_id),
                                  **_client_data(payload, partial=True))


class StatusIn(Schema):
    status: ClientStatus
    on: date | None = None
    reason: text(300) = ""


@router.post("/clients/{client_id}/status", response=ClientOut)
def change_client_status(request, payload: StatusIn, client_id: int = PathId):
    """Prospect, active or churned on a day (default today), with the dates tenure and churn use; a churn needs a
    reason."""
    staff_write(request, Can.CLIENTS_WRITE)
    return services.change_client_status(by=request.user, client=_client(request, client_id), **payload.dict())


@router.delete("/clients/{client_id}", response={204: None})
def delete_client(request, client_id: int = PathId):
    staff_write(request, Can.DELETE)
    services.delete_client(by=request.user, client=_client(request, client_id))
    return Status(204, None)


class ContactOut(Schema):
    id: int
    client_id: int
    site_id: int | None
    first_name: str
    last_name: str
    email: str
    phone: str
    job_title: str
    is_primary: bool
    is_billable_user: bool
    is_active: bool
    has_portal_login: bool

    @staticmethod
    def resolve_has_portal_login(contact: Contact) -> bool:
        return services.has_portal_login(contact)


class ContactIn(Schema):
    client_id: Id
    site_id: Id | None = None
    first_name: text(100, min_length=1)
    last_name: text(100) = ""
    email: text(254) = ""
    phone: text(50) = ""
    job_title: text(100) = ""
    is_primary: bool = False
    is_billable_user: bool = True
    is_active: bool = True


class ContactPatch(Schema):
    site_id: Id | None = None
    first_name: text(100, min_length=1) | None = None
    last_name: text(100) | None = None
    email: text(254) | None = None
    phone: text(50) | None = None
    job_title: text(100) | None = None
    is_primary: bool | None = None
    is_billable_user: bool | None = None
    is_active: bool | None = None


def _contact_data(payload: Schema, *, partial: bool, client_id: int | None = None) -> dict:
    data = payload.dict(exclude_unset=partial)
    data.pop("client_id", None)
    if "site_id" in data:
        data["site"] = existing(Site, data.pop("site_id"), "site_id", Site.objects.filter(client_id=client_id))
    return data


def _contact(request, contact_id: int) -> Contact:
    return get_object_or_404(Contact.objects.visible_to(request.user).select_related("user"), pk=contact_id)


@router.get("/contacts", response=list[ContactOut])
@paginate(Pages)
def list_contacts(request, filters: Query[ContactQuery]):
    staff_read(request)
    contacts = api_filter(ContactFilter, request, Contact.objects.visible_to(request.user).select_related("user"))
    return contacts.order_by("client_id", "last_name", "first_name", "id")


@router.post("/contacts", response={201: ContactOut})
def create_contact(request, payload: ContactIn):
    staff_write(request, Can.CONTACTS_WRITE)
    client = existing(Client, payload.client_id, "client_id")
    return Status(201, services.create_contact(by=request.user, client=client,
                                               **_contact_data(payload, partial=False, client_id=client.pk)))


@router.get("/contacts/{contact_id}", response=ContactOut)
def get_contact(request, contact_id: int = PathId):
    staff_read(request)
    return _contact(request, contact_id)


@router.patch("/contacts/{contact_id}", response=ContactOut)
def update_contact(request, payload: ContactPatch, contact_id: int = PathId):
    """Change a contact; `is_active: false` deactivates them and ends their portal login."""
    staff_write(request, Can.CONTACTS_WRITE)
    contact = _contact(request, contact_id)
    return services.update_contact(by=request.user, contact=contact,
                                   **_contact_data(payload, partial=True, client_id=contact.client_id))


class PortalAccessOut(Schema):
    has_portal_login: bool
    link_sent: bool
    detail: str


@router.post("/contacts/{contact_id}/portal-access", response=PortalAccessOut)
def grant_portal_access(request, contact_id: int = PathId):
    """Turn portal access on: a login for the contact and an email with a link to set its password (sent again
    when the login exists). `link_sent` is false, with the mail error in `detail`, when the email failed."""
    staff_write(request, Can.CONTACTS_WRITE)
    contact = _contact(request, contact_id)
    try:
        services.grant_portal_access(by=request.user, contact=contact, site_url=request.build_absolute_uri("/"))
    except services.LinkNotSent as error:
        return {"has_portal_login": True, "link_sent": False, "detail": str(error)}
    return {"has_portal_login": True, "link_sent": True, "detail": f"A set-password link was emailed to "
                                                                   f"{contact.email}."}


@router.delete("/contacts/{contact_id}/portal-access", response={204: None})
def end_portal_access(request, contact_id: int = PathId):
    """End the contact's portal login (they can no longer sign in or use API tokens)."""
    staff_write(request, Can.CONTACTS_WRITE)
    services.end_portal_access(by=request.user, contact=_contact(request, contact_id))
    return Status(204, None)


@router.delete("/contacts/{contact_id}", response={204: None})
def delete_contact(request, contact_id: int = PathId):
    """Delete a contact; their portal login is deactivated in the same transaction."""
    staff_write(request, Can.CLIENTS_WRITE)
    services.delete_contact(by=request.user, contact=_contact(request, contact_id))
    return Status(204, None)


class SiteOut(Schema):
    id: int
    client_id: int
    name: str
    address: str
    city: str
    country: str
    time_zone: str


class SiteIn(Schema):
    client_id: Id
    name: text(200, min_length=1)
    address: text(300) = ""
    city: text(100) = ""
    country: text(2) = ""
    time_zone: text(64) = ""


class SitePatch(Schema):
    name: text(200, min_length=1) | None = None
    address: text(300) | None = None
    city: text(100) | None = None
    country: text(2) | None = None
    time_zone: text(64) | None = None


@router.get("/sites", response=list[SiteOut])
@paginate(Pages)
def list_sites(request, filters: Query[SiteQuery]):
    staff_read(request)
    return api_filter(SiteFilter, request, Site.objects.visible_to(request.user)).order_by("client_id", "name")


def _site(request, site_id: int) -> Site:
    return get_object_or_404(Site.objects.visible_to(request.user), pk=site_id)


@router.post("/sites", response={201: SiteOut})
def create_site(request, payload: SiteIn):
    staff_write(request, Can.CONTACTS_WRITE)
    data = payload.dict()
    client = existing(Client, data.pop("client_id"), "client_id")
    return Status(201, services.create_site(by=request.user, client=client, **data))


@router.get("/sites/{site_id}", response=SiteOut)
def get_site(request, site_id: int = PathId):
    staff_read(request)
    return _site(request, site_id)


@router.patch("/sites/{site_id}", response=SiteOut)
def update_site(request, payload: SitePatch, site_id: int = PathId):
    staff_write(request, Can.CONTACTS_WRITE)
    return services.update_site(by=request.user, site=_site(request, site_id), **payload.dict(exclude_unset=True))


@router.delete("/sites/{site_id}", response={204: None})
def delete_site(request, site_id: int = PathId):
    staff_write(request, Can.CLIENTS_WRITE)
    services.delete_site(by=request.user, site=_site(request, site_id))
    return Status(204, None)
