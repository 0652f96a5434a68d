"""REST endpoints for agreements (audited)."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Path, Router, Schema, Status
from ninja.pagination import paginate

from bspos.agreements.models import Agreement, AgreementKind
from bspos.audit.services import record, snapshot
from bspos.catalogue.models import Package, Service
from bspos.clients.models import Client
from bspos.core.api import MAX_ID, Id, Pages, existing, money, save_validated, staff_read, staff_write, text
from bspos.core.permissions import Can
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
    monthly_value: money(12) | None = None
    included_service_ids: list[Id] | None = None
    notes: text(20000) | None = None


def _save(request, agreement: Agreement, data: dict) -> Agreement:
    """Validate, save and audit; the included services are the agreement's scope boundary."""
    if "term_months" in data and data["term_months"] is not None and not 1 <= data["term_months"] <= 600:
        from django.core.exceptions import ValidationError

        raise ValidationError({"term_months": "The term must be 1 to 600 months."})
    if "client_id" in data:
        data["client"] = existing(Client, data.pop("client_id"), "client_id")
    if "sla_plan_id" in data:
        data["sla_plan"] = existing(SlaPlan, data.pop("sla_plan_id"), "sla_plan_id")
    if "package_id" in data:
        data["package"] = existing(Package, data.pop("package_id"), "package_id")
    services = data.pop("included_service_ids", None)
    if services is not None:
        services = [existing(Service, pk, "included_service_ids") for pk in services]
    with transaction.atomic():
        before = snapshot(agreement) if agreement.pk else None
        save_validated(agreement, data)
        if services is not None:
            agreement.included_services.set(services)
        record(request.user, agreement, before)
    return agreement


@router.get("/agreements", response=list[AgreementOut])
@paginate(Pages)
def list_agreements(request, client_id: Id | None = None, kind: AgreementKind | None = None,
                    active_on: date | None = None):
    staff_read(request)
    agreements = Agreement.objects.prefetch_related("included_services").order_by("client_id", "-start_date", "id")
    if client_id:
        agreements = agreements.filter(client_id=client_id)
    if kind:
        agreements = agreements.filter(kind=kind)
    if active_on:
        agreements = agreements.in_force(active_on)
    return agreements


@router.post("/agreements", response={201: AgreementOut})
def create_agreement(request, payload: AgreementIn):
    staff_write(request, Can.AGREEMENTS_WRITE)
    return Status(201, _save(request, Agreement(), payload.dict()))


@router.get("/agreements/{agreement_id}", response=AgreementOut)
def get_agreement(request, agreement_id: int = PathId):
    staff_read(request)
    return get_object_or_404(Agreement.objects.prefetch_related("included_services"), pk=agreement_id)


@router.patch("/agreements/{agreement_id}", response=AgreementOut)
def update_agreement(request, payload: AgreementPatch, agreement_id: int = PathId):
    staff_write(request, Can.AGREEMENTS_WRITE)
    return _save(request, get_object_or_404(Agreement, pk=agreement_id), payload.dict(exclude_unset=True))


@router.delete("/agreements/{agreement_id}", response={204: None})
def delete_agreement(request, agreement_id: int = PathId):
    staff_write(request, Can.DELETE)
    agreement = get_object_or_404(Agreement, pk=agreement_id)
    with transaction.atomic():
        before, pk = snapshot(agreement), agreement.pk
        agreement.delete()
        agreement.pk = pk
        record(request.user, agreement, before, deleted=True)
    return Status(204, None)
