"""REST endpoints for agreements: HTTP translated to agreements.services (validated, audited)."""

from datetime import date
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from bspos.agreements import services
from bspos.agreements.filters import AgreementFilter
from bspos.agreements.models import Agreement, AgreementKind
from bspos.catalogue.models import Package, Service
from bspos.clients.models import Client
from bspos.core.api import MAX_ID, Id, Pages, existing, money, staff_read, staff_write, text
from bspos.core.filters import api_filter, query_schema
from bspos.core.permissions import Can
from bspos.foundation.models import Solution
from bspos.sla.models import SlaPlan

router = Router(tags=["agreements"])
PathId = Path(..., ge=1, le=MAX_ID)


class AgreementOut(Schema):
    id: int
    client_id: int
    name: str
    kind: AgreementKind
    unit_price: Decimal
    quantity: Decimal
    hourly_rate: Decimal
    block_hours: Decimal | None
    start_date: date
    end_date: date | None
    term_months: int
    renewal_date: date | None
    sla_plan_id: int | None
    package_id: int | None
    solution_id: int | None
    monthly_value: Decimal | None
    included_service_ids: list[int]
    notes: str

    @staticmethod
    def resolve_included_service_ids(agreement: Agreement) -> list[int]:
        return [service.pk for service in agreement.included_services.all()]


class AgreementIn(Schema):
    client_id: Id
    name: text(200, min_length=1)
    kind: AgreementKind
    unit_price: money() = Decimal("0")
    quantity: money() = Decimal("1")
    hourly_rate: money(8) = Decimal("0")
    block_hours: money(8) | None = None
    start_date: date
    end_date: date | None = None
    term_months: int = 12
    renewal_date: date | None = None
    sla_plan_id: Id | None = None
    package_id: Id | None = None
    solution_id: Id | None = None
    monthly_value: money(12) | None = None
    included_service_ids: list[Id] = []
    notes: text(20000) = ""


class AgreementPatch(Schema):
    name: text(200, min_length=1) | None = None
    kind: AgreementKind | None = None
    unit_price: money() | None = None
    quantity: money() | None = None
    hourly_rate: money(8) | None = None
    block_hours: money(8) | None = None
    start_date: date | None = None
    end_date: date | None = None
    term_months: int | None = None
    renewal_date: date | None = None
    sla_plan_id: Id | None = None
    package_id: Id | None = None
    solution_id: Id | None = None
    monthly_value: money(12) | None = None
    included_service_ids: list[Id] | None = None
    notes: text(20000) | None = None


def _rows(data: dict) -> dict:
    """The payload's ids as rows (a bad id is a 422 naming the field)."""
    for name, model in (("client_id", Client), ("sla_plan_id", SlaPlan), ("package_id", Package),
                        ("solution_id", Solution)):
        if name in data:
            data[name.removesuffix("_id")] = existing(model, data.pop(name), name)
    service_ids = data.pop("included_service_ids", None)
    if service_ids is not None:
        data["included_services"] = [existing(Service, pk, "included_service_ids") for pk in service_ids]
    return data


AgreementQuery = query_schema(AgreementFilter)


@router.get("/agreements", response=list[AgreementOut])
@paginate(Pages)
def list_agreements(request, filters: Query[AgreementQuery]):
    """Agreements with the agreement list's filters: in force today unless `active=0` (or `active_on` a day)."""
    staff_read(request)
    return api_filter(AgreementFilter, request, Agreement.objects.visible_to(request.user)
                      .prefetch_related("included_services")
                      .order_by("client_id", "-start_date", "id"))


@router.post("/agreements", response={201: AgreementOut})
def create_agreement(request, payload: AgreementIn):
    staff_write(request, Can.AGREEMENTS_WRITE)
    return Status(201, services.create_agreement(by=request.user, **_rows(payload.dict())))


@router.get("/agreements/{agreement_id}", response=AgreementOut)
def get_agreement(request, agreement_id: int = PathId):
    staff_read(request)
    return get_object_or_404(Agreement.objects.prefetch_related("included_services"), pk=agreement_id)


@router.patch("/agreements/{agreement_id}", response=AgreementOut)
def update_agreement(request, payload: AgreementPatch, agreement_id: int = PathId):
    staff_write(request, Can.AGREEMENTS_WRITE)
    agreement = get_object_or_404(Agreement, pk=agreement_id)
    return services.update_agreement(by=request.user, agreement=agreement,
                                     **_rows(payload.dict(exclude_unset=True)))


@router.delete("/agreements/{agreement_id}", response={204: None})
def delete_agreement(request, agreement_id: int = PathId):
    staff_write(request, Can.DELETE)
    services.delete_agreement(by=request.user, agreement=get_object_or_404(Agreement, pk=agreement_id))
    return Status(204, None)
