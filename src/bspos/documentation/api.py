"""REST endpoints for client documentation: list (with the list page's filters), fetch, create, change and delete
each kind, the record types, what expires soon, and the relations between records. Staff only (a client contact
gets 404); no secrets anywhere."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from bspos.assets.models import Asset
from bspos.clients.models import Client, Contact
from bspos.core.api import MAX_ID, Id, Pages, existing, money, staff_read, staff_write, text
from bspos.core.filters import api_filter, query_schema
from bspos.core.permissions import Can
from bspos.documentation import services
from bspos.documentation.filters import FILTERS, RelationFilter
from bspos.documentation.models import (
    RELATABLE,
    Certificate,
    Domain,
    Licence,
    Network,
    Record,
    RecordType,
    Relation,
    relatable_kind,
)
from bspos.documentation.selectors import expiring, relatable

router = Router(tags=["documentation"])
PathId = Path(..., ge=1, le=MAX_ID)


class Common(Schema):
    id: int
    client_id: int
    notes: str
    shared_with_client: bool
    updated_at: datetime


class DomainOut(Common):
    name: str
    registrar: str
    expires_on: date | None
    auto_renew: bool


class CertificateOut(Common):
    host: str
    port: int
    issuer: str
    subject: str
    sans: list[str]
    not_before: datetime | None
    not_after: datetime | None
    verified: bool | None
    last_checked_at: datetime | None
    last_error: str


class LicenceOut(Common):
    product: str
    vendor: str
    seats: int
    seats_used: int
    renews_on: date | None
    cost: Decimal | None
    key_in_vault: bool
    assigned_contact_ids: list[int]
    assigned_asset_ids: list[int]

    @staticmethod
    def resolve_assigned_contact_ids(licence: Licence) -> list[int]:
        return [contact.pk for contact in licence.assigned_contacts.all()]

    @staticmethod
    def resolve_assigned_asset_ids(licence: Licence) -> list[int]:
        return [asset.pk for asset in licence.assigned_assets.all()]

    @staticmethod
    def resolve_seats_used(licence: Licence) -> int:
        return len(licence.assigned_contacts.all()) + len(licence.assigned_assets.all())


class NetworkOut(Common):
    name: str
    subnet: str
    vlan: int | None
    gateway: str
    dhcp_start: str
    dhcp_end: str
    dns_servers: str


class RecordOut(Common):
    record_type_id: int
    name: str
    values: dict[str, Any]


class Writable(Schema):
    notes: text(20000) | None = None
    shared_with_client: bool | None = None


class DomainPatch(Writable):
    name: text(253, min_length=1) | None = None
    registrar: text(100) | None = None
    expires_on: date | None = None
    auto_renew: bool | None = None


class DomainIn(DomainPatch):
    client_id: Id
    name: text(253, min_length=1)


class CertificatePatch(Writable):
    host: text(253, min_length=1) | None = None
    port: int | None = Field(None, ge=1, le=65535)


class CertificateIn(CertificatePatch):
    client_id: Id
    host: text(253, min_length=1)


class LicencePatch(Writable):
    product: text(200, min_length=1) | None = None
    vendor: text(100) | None = None
    seats: int | None = Field(None, ge=0, le=1_000_000)
    renews_on: date | None = None
    cost: money() | None = None
    key_in_vault: bool | None = None
    assigned_contact_ids: list[Id] | None = Field(None, max_length=1000)
    assigned_asset_ids: list[Id] | None = Field(None, max_length=1000)


class LicenceIn(LicencePatch):
    client_id: Id
    product: text(200, min_length=1)


class NetworkPatch(Writable):
    name: text(100, min_length=1) | None = None
    subnet: text(50, min_length=1) | None = None
    vlan: int | None = Field(None, ge=1, le=4094)
    gateway: text(45) | None = None
    dhcp_start: text(45) | None = None
    dhcp_end: text(45) | None = None
    dns_servers: text(200) | None = None


class NetworkIn(NetworkPatch):
    client_id: Id
    name: text(100, min_length=1)
    subnet: text(50, min_length=1)


class RecordPatch(Writable):
    name: text(200, min_length=1) | None = None
    values: dict[str, Any] | None = None


class RecordIn(RecordPatch):
    client_id: Id
    record_type_id: Id
    name: text(200, min_length=1)


class LayoutField(Schema):
    name: text(60, min_length=1)
    kind: Literal["text", "number", "date", "url", "choice"]
    required: bool = False
    choices: list[text(200)] | None = Field(None, max_length=200)


class RecordTypeOut(Schema):
    id: int
    name: str
    layout: list[LayoutField]


class RecordTypeIn(Schema):
    name: text(100, min_length=1)
    layout: list[LayoutField] = Field(..., min_length=1, max_length=100)


class ExpiringOut(Schema):
    kind: str
    name: str
    client_id: int
    expires_on: date
    days_left: int
    path: str


class ExpiringQuery(Schema):
    within_days: Literal[30, 60, 90] = 30
    client_id: Id | None = None
    kind: Literal["domain", "certificate", "licence", "warranty", "agreement"] | None = None


def _fields(payload: Schema, client_id: int) -> dict:
    data = payload.dict(exclude_unset=True)
    data.pop("client_id", None)
    if "values" in data and data["values"] is None:
        data["values"] = {}
    for name in ("notes", "registrar", "vendor", "gateway", "dhcp_start", "dhcp_end", "dns_servers"):
        if name in data and data[name] is None:
            data[name] = ""
    for name in ("shared_with_client", "auto_renew", "key_in_vault"):
        if name in data and data[name] is None:
            data.pop(name)
    for name in ("name", "host", "product", "subnet", "port", "seats"):
        if name in data and data[name] is None:
            raise ValidationError({name: "This field cannot be empty."})
    if "record_type_id" in data:
        data["record_type"] = existing(RecordType, data.pop("record_type_id"), "record_type_id")
    if "assigned_contact_ids" in data:
        ids = data.pop("assigned_contact_ids") or []
        data["assigned_contacts"] = list(Contact.objects.filter(client_id=client_id, pk__in=ids))
        if len(data["assigned_contacts"]) != len(set(ids)):
            raise ValidationError({"assigned_contact_ids": "Assign only the licence's own client's contacts."})
    if "assigned_asset_ids" in data:
        ids = data.pop("assigned_asset_ids") or []
        data["assigned_assets"] = list(Asset.objects.filter(client_id=client_id, pk__in=ids))
        if len(data["assigned_assets"]) != len(set(ids)):
            raise ValidationError({"assigned_asset_ids": "Assign only the licence's own client's assets."})
    return data


def _register(kind: str, model, out, create_schema, patch_schema) -> None:
    """List, fetch, create, change and delete for one kind of documentation."""
    filters = FILTERS[kind]
    query = query_schema(filters, f"{model.__name__}Query")
    related = ["assigned_contacts", "assigned_assets"] if model is Licence else []

    def row(request, pk: int):
        return get_object_or_404(model.objects.visible_to(request.user).prefetch_related(*related), pk=pk)

    @router.get(f"/{kind}", response=list[out], operation_id=f"list_{kind}", summary=f"List {kind}")
    @paginate(Pages)
    def list_rows(request, filters_in: Query[query]):
        staff_read(request)
        return api_filter(filters, request, model.objects.visible_to(request.user)).prefetch_related(
            *related).order_by("client_id", *model._meta.ordering, "id")

    @router.get(f"/{kind}/{{int:doc_id}}", response=out, operation_id=f"get_{kind}", summary=f"Fetch one of {kind}")
    def get_row(request, doc_id: int = PathId):
        staff_read(request)
        return row(request, doc_id)

    @router.post(f"/{kind}", response={201: out}, operation_id=f"create_{kind}", summary=f"Create one of {kind}")
    def create_row(request, payload: create_schema):
        staff_write(request, Can.DOCS_WRITE)
        client = existing(Client, payload.client_id, "client_id")
        saved = services.create(model, by=request.user, client=client, **_fields(payload, client.pk))
        return Status(201, row(request, saved.pk))

    @router.patch(f"/{kind}/{{int:doc_id}}", response=out, operation_id=f"update_{kind}",
                  summary=f"Change one of {kind}")
    def update_row(request, payload: patch_schema, doc_id: int = PathId):
        staff_write(request, Can.DOCS_WRITE)
        current = row(request, doc_id)
        services.update(current, by=request.user, **_fields(payload, current.client_id))
        return row(request, current.pk)

    @router.delete(f"/{kind}/{{int:doc_id}}", response={204: None}, operation_id=f"delete_{kind}",
                   summary=f"Delete one of {kind}")
    def delete_row(request, doc_id: int = PathId):
        staff_write(request, Can.DOCS_WRITE)
        services.delete(row(request, doc_id), by=request.user)
        return Status(204, None)


_register("domains", Domain, DomainOut, DomainIn, DomainPatch)
_register("certificates", Certificate, CertificateOut, CertificateIn, CertificatePatch)
_register("licences", Licence, LicenceOut, LicenceIn, LicencePatch)
_register("networks", Network, NetworkOut, NetworkIn, NetworkPatch)
_register("records", Record, RecordOut, RecordIn, RecordPatch)


@router.post("/certificates/{int:doc_id}/check", response=CertificateOut)
def check_certificate(request, doc_id: int = PathId):
    """Read the certificate from its server now (a failure is in `last_error`; the last good data stays)."""
    from bspos.documentation import certificates

    staff_write(request, Can.DOCS_WRITE)
    return certificates.check(get_object_or_404(Certificate.objects.visible_to(request.user), pk=doc_id))


@router.get("/record-types", response=list[RecordTypeOut])
@paginate(Pages)
def list_record_types(request):
    staff_read(request)
    return RecordType.objects.order_by("name", "id")


@router.post("/record-types", response={201: RecordTypeOut})
def create_record_type(request, payload: RecordTypeIn):
    staff_write(request, Can.DOCS_WRITE)
    layout = [field.dict(exclude_none=True) for field in payload.layout]
    return Status(201, services.create_record_type(by=request.user, name=payload.name, layout=layout))


@router.get("/expiring", response=list[ExpiringOut])
@paginate(Pages)
def list_expiring(request, filters: Query[ExpiringQuery]):
    """Domains, certificates, licences, asset warranties and agreements ending within 30, 60 or 90 days."""
    staff_read(request)
    client = existing(Client, filters.client_id, "client_id")
    return expiring(client, within_days=filters.within_days, user=request.user,
                    kinds=[filters.kind] if filters.kind else None)



RelatableKind = Literal[tuple(RELATABLE)]  # asset, contact, credential, domain, certificate, licence, …


class RecordRef(Schema):
    kind: RelatableKind
    id: Id


class RelationOut(Schema):
    id: int
    client_id: int
    one: RecordRef
    other: RecordRef
    note: str
    created_at: datetime

    @staticmethod
    def resolve_one(relation: Relation) -> dict:
        return {"kind": _kind_of(relation.a_type_id), "id": relation.a_id}

    @staticmethod
    def resolve_other(relation: Relation) -> dict:
        return {"kind": _kind_of(relation.b_type_id), "id": relation.b_id}


class RelationIn(Schema):
    one: RecordRef
    other: RecordRef
    note: str = Field("", max_length=200)


def _kind_of(type_id: int) -> str:
    return relatable_kind(ContentType.objects.get_for_id(type_id).model_class())  # cached by Django


RelationQuery = query_schema(RelationFilter)


@router.get("/relations", response=list[RelationOut], summary="List relations between records")
@paginate(Pages)
def list_relations(request, filters: Query[RelationQuery]):
    """`record=asset:12` for one record's relations (either side), `client` for one client's."""
    staff_read(request)
    return api_filter(RelationFilter, request, Relation.objects.visible_to(request.user)).order_by("id")


@router.post("/relations", response={201: RelationOut}, summary="Relate two records of one client")
def create_relation(request, payload: RelationIn):
    staff_write(request, Can.DOCS_WRITE)
    found = {}
    for side in ("one", "other"):
        ref = getattr(payload, side)
        found[side] = relatable(f"{ref.kind}:{ref.id}", user=request.user)
        if found[side] is None:
            raise ValidationError({side: f"No {ref.kind} with id {ref.id}."})
    return Status(201, services.relate(found["one"], found["other"], by=request.user, note=payload.note))


@router.delete("/relations/{int:relation_id}", response={204: None}, summary="Remove a relation")
def delete_relation(request, relation_id: int = PathId):
    staff_write(request, Can.DOCS_WRITE)
    services.unrelate(get_object_or_404(Relation.objects.visible_to(request.user), pk=relation_id), by=request.user)
    return Status(204, None)
