"""REST endpoints for clients, contacts and sites."""

from datetime import date, datetime
from typing import Literal

from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import Path, Router, Schema, Status
from ninja.pagination import paginate

from bspos.clients.models import Client, ClientStatus, Contact, ServiceTier, Site
from bspos.core.api import MAX_ID, Id, Pages, existing, save_validated, staff_read, staff_write, text
from bspos.core.permissions import Can
from bspos.people.models import User

router = Router(tags=["clients"])
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
def list_clients(request, status: ClientStatus | None = None, tier: ServiceTier | None = None,
                 q: text(100) | None = None):
    staff_read(request)
    clients = Client.objects.order_by("name")
    if status:
        clients = clients.filter(status=status)
    if tier:
        clients = clients.filter(service_tier=tier)
    if q:
        clients = clients.filter(Q(name__icontains=q) | Q(vertical__icontains=q))
    return clients


@router.post("/clients", response={201: ClientOut})
def create_client(request, payload: ClientIn):
    staff_write(request, Can.CLIENTS_WRITE)
    return Status(201, save_validated(Client(), _client_data(payload, partial=False)))


@router.get("/clients/{client_id}", response=ClientOut)
def get_client(request, client_id: int = PathId):
    staff_read(request)
    return get_object_or_404(Client, pk=client_id)


@router.patch("/clients/{client_id}", response=ClientOut)
def update_client(request, payload: ClientPatch, client_id: int = PathId):
    staff_write(request, Can.CLIENTS_WRITE)
    return save_validated(get_object_or_404(Client, pk=client_id), _client_data(payload, partial=True))


@router.delete("/clients/{client_id}", response={204: None})
def delete_client(request, client_id: int = PathId):
    staff_write(request, Can.DELETE)
    get_object_or_404(Client, pk=client_id).delete()
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
    if "client_id" in data:
        data["client"] = existing(Client, data.pop("client_id"), "client_id")
        client_id = data["client"].pk
    if "site_id" in data:
        data["site"] = existing(Site, data.pop("site_id"), "site_id", Site.objects.filter(client_id=client_id))
    return data


@router.get("/contacts", response=list[ContactOut])
@paginate(Pages)
def list_contacts(request, client_id: Id | None = None, q: text(100) | None = None, active: bool | None = None):
    staff_read(request)
    contacts = Contact.objects.order_by("client_id", "last_name", "first_name", "id")
    if client_id:
        contacts = contacts.filter(client_id=client_id)
    if active is not None:
        contacts = contacts.filter(is_active=active)
    if q:
        contacts = contacts.filter(Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q))
    return contacts


@router.post("/contacts", response={201: ContactOut})
def create_contact(request, payload: ContactIn):
    staff_write(request, Can.CLIENTS_WRITE)
    return Status(201, save_validated(Contact(), _contact_data(payload, partial=False)))


@router.get("/contacts/{contact_id}", response=ContactOut)
def get_contact(request, contact_id: int = PathId):
    staff_read(request)
    return get_object_or_404(Contact, pk=contact_id)


@router.patch("/contacts/{contact_id}", response=ContactOut)
def update_contact(request, payload: ContactPatch, contact_id: int = PathId):
    staff_write(request, Can.CLIENTS_WRITE)
    contact = get_object_or_404(Contact, pk=contact_id)
    return save_validated(contact, _contact_data(payload, partial=True, client_id=contact.client_id))


@router.delete("/contacts/{contact_id}", response={204: None})
def delete_contact(request, contact_id: int = PathId):
    staff_write(request, Can.CLIENTS_WRITE)
    get_object_or_404(Contact, pk=contact_id).delete()
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
def list_sites(request, client_id: Id | None = None):
    staff_read(request)
    sites = Site.objects.order_by("client_id", "name")
    return sites.filter(client_id=client_id) if client_id else sites


@router.post("/sites", response={201: SiteOut})
def create_site(request, payload: SiteIn):
    staff_write(request, Can.CLIENTS_WRITE)
    data = payload.dict()
    data["client"] = existing(Client, data.pop("client_id"), "client_id")
    return Status(201, save_validated(Site(), data))


@router.get("/sites/{site_id}", response=SiteOut)
def get_site(request, site_id: int = PathId):
    staff_read(request)
    return get_object_or_404(Site, pk=site_id)


@router.patch("/sites/{site_id}", response=SiteOut)
def update_site(request, payload: SitePatch, site_id: int = PathId):
    staff_write(request, Can.CLIENTS_WRITE)
    return save_validated(get_object_or_404(Site, pk=site_id), payload.dict(exclude_unset=True))


@router.delete("/sites/{site_id}", response={204: None})
def delete_site(request, site_id: int = PathId):
    staff_write(request, Can.CLIENTS_WRITE)
    get_object_or_404(Site, pk=site_id).delete()
    return Status(204, None)
